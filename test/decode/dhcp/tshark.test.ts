/**
 * Differential test: decodeDhcp against tshark's dissection of the same frames, from the golden
 * files written by tshark-fields.mjs (tshark 4.0; regenerate with `node test/decode/dhcp/tshark-fields.mjs`).
 * A capture whose bytes changed since (sha256) is compared against tshark run now instead.
 *
 * Known, intended differences (each handled below, not hidden):
 * - Option 97: tshark shows the UUID with its first three groups byte-swapped (its default
 *   "little-endian" preference); we keep wire order, so the test swaps before comparing.
 * - Option 43 without option 60: tshark leaves it raw; we decode clean PXE sub-options.
 * - Option order under overload: tshark nests file/sname options under option 52; we list them
 *   after the options area (RFC 3396 §5 order), so the codes are compared as a sorted list there.
 * - Repeated options: tshark shows each instance; we concatenate them (RFC 3396) for shortcuts.
 * - secs: tshark byte-swaps values that look little-endian; we keep the wire value plus an anomaly.
 * - Malformed frames (tshark's _ws.malformed): only the header fields are compared.
 */
import { describe, it, expect } from 'vitest';
import { decodeDhcp } from '../../../src/decode/dhcp/codec.js';
import type { DhcpMessage } from '../../../src/decode/dhcp/types.js';
import { fixtureCaptures, isDhcpPacket, udpPayloads, type UdpPayload } from './udp-payloads.js';
import { MAX_FRAMES, fixturesDir, loadGolden, tsharkFrames } from './tshark-fields.mjs';

type Fields = Record<string, string[]>;

const isPrintable = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);
const num = (s: string): number => Number(s);

/** tshark's UUID display (first three groups little-endian) from our wire-order GUID. */
function tsharkGuid(wire: string): string {
  const h = wire.replace(/-/g, '');
  const swap = (s: string): string => s.match(/../g)!.reverse().join('');
  const t = swap(h.slice(0, 8)) + swap(h.slice(8, 12)) + swap(h.slice(12, 16)) + h.slice(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`;
}

/** Compares one frame; returns the number of fields compared. */
function compareFrame(m: DhcpMessage, f: Fields, where: string): number {
  let n = 0;
  const eq = (field: string, ours: unknown, theirs: unknown): void => {
    expect(ours, `${where} ${field}`).toEqual(theirs);
    n++;
  };
  const one = (field: string): string | undefined => f[field]?.[0];
  const has = (field: string): boolean => f[field] !== undefined;

  if (has('dhcp.type')) eq('dhcp.type', m.op, num(one('dhcp.type')!));
  if (has('dhcp.hw.len')) eq('dhcp.hw.len', m.hlen, num(one('dhcp.hw.len')!));
  if (has('dhcp.hw.type')) eq('dhcp.hw.type', m.htype, num(one('dhcp.hw.type')!));
  if (has('dhcp.hops')) eq('dhcp.hops', m.hops, num(one('dhcp.hops')!));
  if (has('dhcp.id')) eq('dhcp.id', m.xid, num(one('dhcp.id')!));
  if (has('dhcp.secs')) {
    // tshark byte-swaps a secs value that looks little-endian (Windows 98 era clients); we keep
    // the RFC 2131 (network order) value and record the anomaly instead.
    const swapped = ((m.secs & 0xff) << 8) | (m.secs >> 8);
    const theirs = num(one('dhcp.secs')!);
    if (m.anomalies.some((a) => a.code === 'secs-little-endian')) eq('dhcp.secs (swapped)', swapped, theirs);
    else eq('dhcp.secs', m.secs, theirs);
  }
  if (has('dhcp.flags')) eq('dhcp.flags', m.flags, num(one('dhcp.flags')!));
  if (has('dhcp.ip.client')) eq('dhcp.ip.client', m.ciaddr, one('dhcp.ip.client'));
  if (has('dhcp.ip.your')) eq('dhcp.ip.your', m.yiaddr, one('dhcp.ip.your'));
  if (has('dhcp.ip.server')) eq('dhcp.ip.server', m.siaddr, one('dhcp.ip.server'));
  if (has('dhcp.ip.relay')) eq('dhcp.ip.relay', m.giaddr, one('dhcp.ip.relay'));
  if (has('dhcp.hw.mac_addr') && m.htype === 1 && m.hlen === 6) eq('dhcp.hw.mac_addr', m.chaddr, one('dhcp.hw.mac_addr'));
  // tshark's json escapes non-printable bytes; compare the names that are plain text.
  if (isPrintable(m.sname)) eq('dhcp.server', m.sname, one('dhcp.server') ?? '');
  if (isPrintable(m.file)) eq('dhcp.file', m.file, one('dhcp.file') ?? '');
  if (has('_ws.malformed')) return n;

  const codes = m.options.map((o) => o.code);
  const theirCodes = (f['dhcp.option.type'] ?? []).map(num).filter((c) => c !== 0 && c !== 255);
  if (m.overload) eq('dhcp.option.type (sorted)', [...codes].sort((a, b) => a - b), theirCodes.sort((a, b) => a - b));
  else eq('dhcp.option.type', codes, theirCodes);
  const repeated = new Set(codes.filter((c, i) => codes.indexOf(c) !== i));

  const scalar = (field: string, ours: unknown, map: (s: string) => unknown = (s) => s): void => {
    if (has(field)) eq(field, ours, map(one(field)!));
  };
  const list = (field: string, ours: unknown, map: (s: string) => unknown = (s) => s): void => {
    if (has(field)) eq(field, ours, f[field]!.map(map));
  };
  scalar('dhcp.option.dhcp', m.messageType, num);
  if (!repeated.has(60)) scalar('dhcp.option.vendor_class_id', m.vendorClass);
  list('dhcp.option.client_system_architecture', m.clientArch, num);
  scalar('dhcp.option.tftp_server_name', m.tftpServer);
  scalar('dhcp.option.bootfile_name', m.bootFile);
  scalar('dhcp.option.dhcp_server_id', m.serverId);
  scalar('dhcp.option.requested_ip_address', m.requestedIp);
  scalar('dhcp.option.ip_address_lease_time', m.leaseTime, num);
  scalar('dhcp.option.option_overload', m.overload, num);
  scalar('dhcp.option.dhcp_max_message_size', m.maxMessageSize, num);
  if (!repeated.has(12) && isPrintable(m.hostname ?? '')) scalar('dhcp.option.hostname', m.hostname);
  if (!repeated.has(15) && isPrintable(m.domainName ?? '')) scalar('dhcp.option.domain_name', m.domainName);
  scalar('dhcp.option.subnet_mask', m.subnetMask);
  list('dhcp.option.router', m.routers);
  list('dhcp.option.domain_name_server', m.dnsServers);
  list('dhcp.option.tftp_server_address', m.tftpServerAddresses);
  list('dhcp.option.user_class.text', m.userClass);
  if (m.clientGuid) scalar('dhcp.client_id.uuid', tsharkGuid(m.clientGuid));
  scalar('dhcp.option.vendor.pxeclient.discovery_control', m.pxe?.discoveryControl, num);
  list('dhcp.option.vendor.pxeclient.boot_servers.type', m.pxe?.bootServers?.map((s) => s.type), num);
  list('dhcp.option.vendor.pxeclient.boot_servers.ip', m.pxe?.bootServers?.flatMap((s) => s.addresses));
  list('dhcp.option.vendor.pxeclient.boot_menu.type', m.pxe?.bootMenu?.map((s) => s.type), num);
  list('dhcp.option.vendor.pxeclient.boot_menu.desc', m.pxe?.bootMenu?.map((s) => s.description));
  scalar('dhcp.option.vendor.pxeclient.menu_prompt.timeout', m.pxe?.menuPrompt?.timeout, num);
  scalar('dhcp.option.vendor.pxeclient.menu_prompt.prompt', m.pxe?.menuPrompt?.prompt);
  scalar('dhcp.option.vendor.pxeclient.boot_item.type', m.pxe?.bootItem?.type, num);
  const hex = (s: string): string => s.replace(/:/g, '');
  scalar('dhcp.option.agent_information_option.agent_circuit_id', m.relayAgent?.circuitId, hex);
  scalar('dhcp.option.agent_information_option.agent_remote_id', m.relayAgent?.remoteId, hex);
  scalar('dhcp.option.agent_information_option.subscriber_id', m.relayAgent?.subscriberId);
  scalar('dhcp.option.agent_information_option.link_selection', m.relayAgent?.linkSelection);
  return n;
}

describe('decodeDhcp agrees with tshark', async () => {
  const captures: { rel: string; path: string; ours: Map<string, UdpPayload> }[] = [];
  for (const path of fixtureCaptures()) {
    const ours = new Map((await udpPayloads(path)).filter(isDhcpPacket).map((p) => [String(p.frame), p]));
    const rel = path.slice(fixturesDir.length + 1);
    if (ours.size > 0 || loadGolden('dhcp').captures[rel]) captures.push({ rel, path, ours });
  }

  it('covers the DHCP fixtures', () => {
    expect(captures.length).toBeGreaterThan(30);
  });

  it.for(captures.map((c) => [c.rel, c] as const))('%s', ([rel, c], ctx) => {
    const frames = tsharkFrames(c.path, 'dhcp') as Record<string, Fields> | null;
    if (frames === null) {
      // Golden file stale for this capture and no tshark to ask: regenerate the golden files.
      if (process.env.CI) expect.fail(`${rel}: golden tshark data stale; run node test/decode/dhcp/tshark-fields.mjs`);
      ctx.skip();
      return;
    }
    let compared = 0;
    const theirFrames = Object.keys(frames);
    const lastFrame = theirFrames.length >= MAX_FRAMES ? Number(theirFrames[theirFrames.length - 1]) : Infinity;
    for (const [frame, fields] of Object.entries(frames)) {
      // Frames tshark dissects as DHCP are ours too, except DHCP quoted inside ICMP errors
      // (the dissector's business) and frames tshark could not read at all.
      const p = c.ours.get(frame);
      if (!p) {
        expect(fields['icmp.type'] !== undefined || fields['dhcp.type'] === undefined, `${rel} frame ${frame} missing`).toBe(true);
        continue;
      }
      if (p.partial) continue;
      compared += compareFrame(decodeDhcp(p.payload), fields, `${rel} frame ${frame}`);
    }
    // And the other way: every DHCP-port frame we decode, tshark decodes as DHCP.
    for (const [frame, p] of c.ours) if (!p.partial && Number(frame) <= lastFrame) expect(frames[frame], `${rel} frame ${frame}: tshark does not see DHCP`).toBeDefined();
    // tshark gives up on some fuzzed frames entirely (no field at all): nothing to compare there.
    if (Object.values(frames).some((f) => f['dhcp.type'] !== undefined)) expect(compared).toBeGreaterThan(0);
  });
});
