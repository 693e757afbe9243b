/**
 * The capture filter (BPF, pcap-filter(7) syntax) handed to tcpdump/dumpcap.
 *
 * Goal on a busy mirror port: let the kernel drop everything that cannot be part of a network boot,
 * so tcpdump's buffer does not overflow and we do not parse gigabytes of unrelated traffic, while
 * never dropping a packet the diagnosis needs:
 *
 * - DHCP/BOOTP and proxyDHCP: UDP 67, 68, 4011 (PXE 2.1 boot server discovery).
 * - TFTP requests: UDP 69 (also catches the odd server that answers from port 69).
 * - TFTP data/ack/error/oack: these travel between two ephemeral ports (RFC 1350 section 4, "TID"),
 *   so no port filter can catch them. They are recognised by the TFTP opcode in the first two
 *   payload bytes (3 DATA, 4 ACK, 5 ERROR, 6 OACK; udp[8:2] skips the 8-byte UDP header), between
 *   two unprivileged ports (PXE ROMs, tftpd-hpa, atftpd and WDS all use ports >= 1024; this keeps out
 *   DNS/NTP answers whose first bytes happen to be 0x0003..0x0006). The dissector then keeps only
 *   the flows that follow an RRQ it saw, so the odd stray match costs one decode, not a wrong result.
 * - Non-first IPv4 fragments of UDP datagrams: they carry no UDP header, so the two rules above
 *   cannot see them, yet a large-blksize TFTP DATA or an oversized DHCP reply arrives fragmented and
 *   the dissector needs every piece to reassemble it (and reports fragments that never arrive).
 * - ICMP destination unreachable: the "port unreachable" answer to a 4011 request or an RRQ sent to
 *   a host without a server is often the only evidence of why a boot stalled.
 * - The same again inside one 802.1Q tag: mirror (SPAN) ports of trunks deliver tagged frames, and
 *   pcap filters only look past a tag after the `vlan` keyword. (On Linux the kernel usually strips
 *   the tag before the filter runs, and libpcap's `vlan` handles both cases.)
 *
 * - IPv6: DHCPv6 (UDP 546/547, RFC 5970 netboot: OVMF tries PXEv6 after PXEv4) and TFTP requests
 *   on port 69. libpcap cannot index into an IPv6 transport payload (`udp[8:2]` rejects every IPv6
 *   packet), so TFTP data over IPv6 on ephemeral ports is not caught live; analyze a full capture
 *   for PXEv6 transfers and for HTTP boot (TCP), which this filter leaves out on purpose so a busy
 *   mirror port's web traffic does not flood the capture buffer.
 * - ARP and spanning-tree BPDUs (issue 22): a client asking again and again for the MAC of its
 *   TFTP server that never answers, address conflicts, and a switch port still in listening or
 *   learning state are only visible there. Both are a few frames a second at most.
 */
export const BOOT_TRAFFIC_FILTER =
  'ip and (udp port 67 or udp port 68 or udp port 4011 or udp port 69' +
  ' or (udp src portrange 1024-65535 and udp dst portrange 1024-65535 and udp[8:2] >= 3 and udp[8:2] <= 6)' +
  ' or (udp and ip[6:2] & 0x1fff != 0)' +
  ' or icmp[icmptype] == icmp-unreach)' +
  ' or (ip6 and (udp port 546 or udp port 547 or udp port 69))' +
  ' or arp or stp';

/**
 * The filter for a live run: the boot-traffic filter (also inside one VLAN tag when `vlan`), and-ed
 * with the user's own expression. The user's expression comes first so that its offsets are not
 * shifted by the `vlan` keyword (which affects everything after it in pcap-filter).
 * `vlan` must be false for links that cannot carry 802.1Q tags (tcpdump's "any" device, Linux
 * cooked capture, raw IP, loopback): libpcap refuses the keyword there ("no VLAN support").
 */
export function buildCaptureFilter(userFilter?: string, opts: { vlan?: boolean } = {}): string {
  const vlan = opts.vlan ?? true;
  const boot = vlan ? `(${BOOT_TRAFFIC_FILTER}) or (vlan and (${BOOT_TRAFFIC_FILTER}))` : BOOT_TRAFFIC_FILTER;
  const user = userFilter?.trim();
  return user ? `(${user}) and (${boot})` : boot;
}
