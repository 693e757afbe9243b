/**
 * DHCPv6 in the exchange beyond the direct case: a relayed PXEv6 exchange (RFC 8415 section 19,
 * Relay-forw / Relay-repl seen on the server side) is tied to the client through the DUID inside,
 * not to the relay's MAC; a capture that ends right after one Solicit does not claim "no DHCPv6
 * server", while retransmitted Solicits without any Advertise do.
 */
import { describe, it, expect } from 'vitest';
import { Dissector } from '../../src/decode/dissect.js';
import { dhcp6Opt, duid, encodeDhcp6 } from '../../src/decode/dhcp6/codec.js';
import { Analyzer } from '../../src/pipeline.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { ethernet, frame, udpIpv4 } from '../decode/packets.js';
import { encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { discover } from '../../src/probe/messages.js';
import { ipv6, udp } from './packets6.js';

const CLIENT_MAC = '52:54:00:aa:bb:01';
const RELAY = '2001:db8:2::1';
const SERVER = '2001:db8:1::1';

function run(frames: { ip: Uint8Array; ts: number; v4?: boolean }[]): AnalysisJson {
  const d = new Dissector();
  const an = new Analyzer();
  frames.forEach((f, i) => {
    const ev = d.dissect(frame(ethernet(f.ip, [], f.v4 ? 0x0800 : 0x86dd), 1, f.ts, i + 1));
    if (ev) an.push(ev);
  });
  return an.finish();
}

const solicit = (xid: number): Uint8Array =>
  encodeDhcp6({ msgType: 1, transactionId: xid, options: [dhcp6Opt.clientId(duid.ll(CLIENT_MAC)), dhcp6Opt.clientArch([7]), dhcp6Opt.vendorClass(343, ['PXEClient:Arch:00007:UNDI:003000'])] }).slice();

describe('DHCPv6 exchange', () => {
  it('a relayed PXEv6 exchange belongs to the client named by the DUID inside', () => {
    const advertise = encodeDhcp6({
      msgType: 2,
      transactionId: 0x10,
      options: [dhcp6Opt.clientId(duid.ll(CLIENT_MAC)), dhcp6Opt.serverId(duid.ll('02:00:00:00:01:01')), dhcp6Opt.iaNa({ iaid: 1, addresses: [{ address: '2001:db8:2::100' }] }), dhcp6Opt.bootfileUrl(`tftp://[${SERVER}]/bootx64.efi`)],
    }).slice();
    const fwd = encodeDhcp6({ msgType: 12, hopCount: 0, linkAddress: RELAY, peerAddress: 'fe80::5054:ff:feaa:bb01', options: [dhcp6Opt.relayMessage(solicit(0x10))] });
    const repl = encodeDhcp6({ msgType: 13, hopCount: 0, linkAddress: RELAY, peerAddress: 'fe80::5054:ff:feaa:bb01', options: [dhcp6Opt.relayMessage(advertise)] });
    const j = run([
      { ip: ipv6(RELAY, SERVER, 17, udp(547, 547, fwd)), ts: 1000 },
      { ip: ipv6(SERVER, RELAY, 17, udp(547, 547, repl)), ts: 1000.01 },
    ]);
    expect(j.clients.map((c) => c.mac)).toEqual([CLIENT_MAC]);
    const c = j.clients[0]!;
    expect(c.methods?.map((m) => [m.method, m.outcome, m.bootFile, m.server])).toEqual([['PXEv6', 'no-download', `tftp://[${SERVER}]/bootx64.efi`, SERVER]]);
    expect(j.findings.filter((f) => f.id === 'pxe6-no-bootfile-url')).toEqual([]);
  });

  it('one Solicit at the end of the capture proves nothing; unanswered retransmissions do', () => {
    const ll = 'fe80::5054:ff:feaa:bb01';
    const once = run([{ ip: ipv6(ll, 'ff02::1:2', 17, udp(546, 547, solicit(0x20))), ts: 1000 }]);
    expect(once.clients[0]?.methods?.map((m) => m.outcome)).toEqual(['no-offer']);
    expect(once.findings.map((f) => f.id)).not.toContain('dhcp6-no-advertise');
    const retries = run([1000, 1001.1, 1003.2, 1007.5].map((ts) => ({ ip: ipv6(ll, 'ff02::1:2', 17, udp(546, 547, solicit(0x20))), ts })));
    const f = retries.findings.find((x) => x.id === 'dhcp6-no-advertise');
    // The only method the client tried: an error, with every Solicit as evidence.
    expect(f).toMatchObject({ severity: 'error', frames: [1, 2, 3, 4] });
    expect(retries.clients[0]?.timeline).toHaveLength(1);
    expect(retries.clients[0]?.timeline[0]?.repeats).toHaveLength(3);
  });

  // The frames' Ethernet source (test/decode/packets.ts): the client of both the DHCPv4 and the DHCPv6 messages.
  const ETH_SOURCE = '52:54:00:12:34:56';
  it('after the PXEv4 path (or beside it) an unanswered DHCPv6 attempt is info; without it, the error', () => {
    const ll = 'fe80::5054:ff:feaa:bb01';
    const solicits = [1010, 1011.1, 1013.2, 1017.5].map((ts) => ({ ip: ipv6(ll, 'ff02::1:2', 17, udp(546, 547, solicit(0x20))), ts }));
    const dhcp4 = [1000, 1004].map((ts) => ({
      ip: udpIpv4('0.0.0.0', 68, '255.255.255.255', 67, encodeDhcp(discover({ mac: ETH_SOURCE, arch: 7, guid: '8a1c0b2e5f4d4e219a3b0c1d2e3f4a5b' }, 0x99, ts - 1000)).slice()),
      ts,
      v4: true,
    }));
    const after = run([...dhcp4, ...solicits]);
    const client = after.clients.find((c) => c.mac === ETH_SOURCE)!;
    expect(client.methods?.map((m) => m.method)).toEqual(['PXEv4', 'PXEv6']);
    const f = after.findings.find((x) => x.id === 'dhcp6-no-advertise');
    expect(f).toMatchObject({ severity: 'info', frames: [3, 4, 5, 6] });
    // The verdict comes from the PXEv4 path (its own error), not from the IPv6 attempt.
    expect(client.verdict).not.toContain('dhcp6-no-advertise');
    expect(run(solicits).findings.find((x) => x.id === 'dhcp6-no-advertise')?.severity).toBe('error');
  });
});
