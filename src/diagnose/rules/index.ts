/** Every diagnosis rule, in report order (the ones that stop a boot first). */
import type { Rule } from '../rule.js';
import { archBootfileMismatchRule } from './arch-bootfile-mismatch.js';
import { bootServerAddressMissingRule } from './boot-server-address-missing.js';
import { bootfileNameGarbageRule } from './bootfile-name-garbage.js';
import { bootfileOptionNotNulTerminatedRule } from './bootfile-option-not-nul-terminated.js';
import { clientArchAmbiguousRule } from './client-arch-ambiguous.js';
import { clientArchMissingRule } from './client-arch-missing.js';
import { clientGuidDuplicateRule } from './client-guid-duplicate.js';
import { clientGuidInvalidRule } from './client-guid-invalid.js';
import { ipxeChainloadLoopRule } from './ipxe-chainload-loop.js';
import { multipleBootServersRule } from './multiple-boot-servers.js';
import { multipleDhcpServersRule } from './multiple-dhcp-servers.js';
import { nbpNotStartedRule } from './nbp-not-started.js';
import { noAddressOfferRule } from './no-address-offer.js';
import { noBootFileRule } from './no-boot-file.js';
import { noDhcpOfferRule } from './no-dhcp-offer.js';
import { option60OnDhcpServerRule } from './option60-on-dhcp-server.js';
import { proxyOfferIgnoredRule } from './proxy-offer-ignored.js';
import { proxyOfferMissingOption60Rule } from './proxy-offer-missing-option60.js';
import { proxyRequestUnansweredRule } from './proxy-request-unanswered.js';
import { pxeOption43MalformedRule } from './pxe-option43-malformed.js';
import { relayMissingPxeHelperRule } from './relay-missing-pxe-helper.js';
import { slowServerResponseRule } from './slow-server-response.js';
import { tftpBlksizeExceedsMtuRule } from './tftp-blksize-exceeds-mtu.js';
import { tftpDataFragmentedRule } from './tftp-data-fragmented.js';
import { tftpErrorRule } from './tftp-error.js';
import { tftpFileNotFoundRule } from './tftp-file-not-found.js';
import { tftpNoResponseRule } from './tftp-no-response.js';
import { tftpRepliesBlockedRule } from './tftp-replies-blocked.js';
import { tftpRepliesNotCapturedRule } from './tftp-replies-not-captured.js';
import { tftpTransferIncompleteRule } from './tftp-transfer-incomplete.js';
import { pxe6NoBootfileUrlRule } from './pxe6-no-bootfile-url.js';
import { httpBootNoUrlRule } from './http-boot-no-url.js';
import { httpBootFetchFailedRule } from './http-boot-fetch-failed.js';
import { bsdpNoImagesRule } from './bsdp-no-images.js';
import { dhcp6NoAdvertiseRule } from './dhcp6-no-advertise.js';
import { captureStartedLateRule } from './capture-started-late.js';
import { captureEndedMidExchangeRule } from './capture-ended-mid-exchange.js';
import { repliesToClientNotSeenRule } from './replies-to-client-not-seen.js';
import { bootServerNoArpRule } from './boot-server-no-arp.js';
import { offersNotReachingClientRule } from './offers-not-reaching-client.js';
import { tftpServerMismatchRule } from './tftp-server-mismatch.js';
import { spanningTreeNotForwardingRule } from './spanning-tree-not-forwarding.js';
import { tftpLossyPathRule } from './tftp-lossy-path.js';
import { dhcpServerIgnoresClientRule } from './dhcp-server-ignores-client.js';
import { addressConflictRule } from './address-conflict.js';
import { ipxeDhcpUnansweredRule } from './ipxe-dhcp-unanswered.js';
import { loaderHttpFetchFailedRule } from './loader-http-fetch-failed.js';
import { secureBootUnsignedNbpRule } from './secure-boot-unsigned-nbp.js';
import { shimSecondStageMissingRule } from './shim-second-stage-missing.js';
import { grubNoConfigRule } from './grub-no-config.js';
import { loaderFileMissingRule } from './loader-file-missing.js';
import { wdsAbortPxeRule } from './wds-abort-pxe.js';
import { nbpThenSilenceRule } from './nbp-then-silence.js';
import { loaderNameNotResolvedRule } from './loader-name-not-resolved.js';
import { bootChainStoppedRule } from './boot-chain-stopped.js';

export const rules: readonly Rule[] = [
  noDhcpOfferRule,
  noAddressOfferRule,
  noBootFileRule,
  relayMissingPxeHelperRule,
  option60OnDhcpServerRule,
  proxyRequestUnansweredRule,
  proxyOfferMissingOption60Rule,
  proxyOfferIgnoredRule,
  bootServerAddressMissingRule,
  tftpNoResponseRule,
  tftpRepliesBlockedRule,
  tftpFileNotFoundRule,
  tftpErrorRule,
  tftpTransferIncompleteRule,
  tftpBlksizeExceedsMtuRule,
  bootfileNameGarbageRule,
  archBootfileMismatchRule,
  nbpNotStartedRule,
  clientArchMissingRule,
  clientArchAmbiguousRule,
  ipxeChainloadLoopRule,
  multipleDhcpServersRule,
  multipleBootServersRule,
  slowServerResponseRule,
  clientGuidInvalidRule,
  clientGuidDuplicateRule,
  bootfileOptionNotNulTerminatedRule,
  pxeOption43MalformedRule,
  tftpDataFragmentedRule,
  tftpRepliesNotCapturedRule,
  // The network between client and servers.
  dhcpServerIgnoresClientRule,
  offersNotReachingClientRule,
  spanningTreeNotForwardingRule,
  bootServerNoArpRule,
  tftpServerMismatchRule,
  tftpLossyPathRule,
  addressConflictRule,
  // What the capture could not see.
  captureStartedLateRule,
  captureEndedMidExchangeRule,
  repliesToClientNotSeenRule,
  // Beyond PXE over IPv4 (docs/ipv6-http-bsdp.md): DHCPv6 network boot, UEFI HTTP boot, Apple BSDP.
  dhcp6NoAdvertiseRule,
  pxe6NoBootfileUrlRule,
  httpBootNoUrlRule,
  httpBootFetchFailedRule,
  bsdpNoImagesRule,
  // After the NBP: the boot chain's stages (docs/analyze.md, "The boot chain").
  secureBootUnsignedNbpRule,
  wdsAbortPxeRule,
  ipxeDhcpUnansweredRule,
  loaderNameNotResolvedRule,
  loaderHttpFetchFailedRule,
  shimSecondStageMissingRule,
  grubNoConfigRule,
  loaderFileMissingRule,
  nbpThenSilenceRule,
];

/** Run after the rules above only when none of them found an error (src/diagnose/index.ts). */
export const fallbackRules: readonly Rule[] = [bootChainStoppedRule];
