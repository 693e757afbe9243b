/** tftp-lossy-path: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, biosHost, only } from './fixtures.js';
import { ipxeBios } from './net.js';

/** A 40-block download of pxelinux.0 where the ACK of every `lossEvery`-th block is lost and the block sent again (0: none lost). */
function transfer(s: Scenario, lossEvery: number): void {
  s.dora(ipxeBios, dhcpSrv, 17, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
  s.tftp(biosHost, 2100, pxeSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
  const data = new Uint8Array(512);
  for (let b = 1; b <= 40; b++) {
    s.tftp(pxeSrv, 50000, biosHost, 2100, { opcode: 3, block: b, payload: b === 40 ? data.subarray(0, 100) : data });
    if (lossEvery > 0 && b % lossEvery === 0) {
      // The ACK is lost: the server times out and sends the block again.
      s.wait(1);
      s.tftp(pxeSrv, 50000, biosHost, 2100, { opcode: 3, block: b, payload: b === 40 ? data.subarray(0, 100) : data });
    }
    s.tftp(biosHost, 2100, pxeSrv, 50000, { opcode: 4, block: b });
    s.wait(0.002);
  }
}

describe('tftp-lossy-path', () => {
  it('fires on blocks sent again in one transfer of ten', () => {
    const s = new Scenario();
    transfer(s, 5);
    const f = only(s.run(), 'tftp-lossy-path');
    expect(f.severity).toBe('warning');
    expect(f.title).toContain('8 retransmissions for 40 blocks');
  });

  it('is quiet on a clean transfer', () => {
    const s = new Scenario();
    transfer(s, 0);
    expect(ids(s.run())).not.toContain('tftp-lossy-path');
  });

  it('is quiet on one retry', () => {
    const s = new Scenario();
    transfer(s, 40);
    expect(ids(s.run())).not.toContain('tftp-lossy-path');
  });
});
