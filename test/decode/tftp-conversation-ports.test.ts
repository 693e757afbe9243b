/**
 * TftpConversations' port pre-check (a count of tracked client endpoints per client port, asked
 * before any Map lookup) must never hide a live conversation: endpoints that share a client port
 * on different hosts, evictions and idle sweeps all keep the count right.
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4String } from '../../src/decode/ipv4.js';
import { TftpConversations } from '../../src/decode/tftp-conversations.js';

const ip = (s: string): number => parseIpv4String(s) as number;
const SERVER = ip('192.0.2.2');
const C1 = ip('192.0.2.101');
const C2 = ip('192.0.2.102');
const C3 = ip('192.0.2.103');

describe('TftpConversations port pre-check', () => {
  it('clients sharing a port: evicting one leaves the other matching', () => {
    const t = new TftpConversations({ maxConversations: 2 });
    t.open(C1, 2070, SERVER, 0);
    t.open(C2, 2070, SERVER, 1);
    t.open(C3, 3000, SERVER, 2); // evicts C1:2070, the oldest
    expect(t.size).toBe(2);
    expect(t.match(SERVER, 40001, C2, 2070, 3)).toBe(true);
    expect(t.match(C2, 2070, SERVER, 40001, 3)).toBe(true);
    expect(t.match(SERVER, 40002, C1, 2070, 3)).toBe(false);
    expect(t.match(SERVER, 40003, C3, 3000, 3)).toBe(true);
  });

  it('an idle endpoint swept out does not hide a live one on the same port, and the port can be reused', () => {
    const t = new TftpConversations({ idleTimeout: 120 });
    t.open(C1, 2070, SERVER, 0);
    t.open(C2, 2070, SERVER, 100);
    // At 125 s C1 has been idle 125 s: swept; C2 (25 s) stays.
    expect(t.match(SERVER, 40001, C2, 2070, 125)).toBe(true);
    expect(t.size).toBe(1);
    expect(t.match(SERVER, 40002, C1, 2070, 126)).toBe(false);
    // Everything idle: swept, then a new request on the same port is tracked again.
    expect(t.match(SERVER, 40001, C2, 2070, 400)).toBe(false);
    expect(t.size).toBe(0);
    t.open(C1, 2070, SERVER, 401);
    expect(t.match(SERVER, 40009, C1, 2070, 402)).toBe(true);
    expect(t.match(C1, 2070, SERVER, 40009, 402)).toBe(true);
  });

  it('after many opens and evictions, exactly the tracked endpoints match', () => {
    const t = new TftpConversations({ maxConversations: 16 });
    // 200 requests from 50 hosts over 5 client ports (many endpoints share a port).
    for (let i = 0; i < 200; i++) t.open(ip('198.51.100.0') + (i % 50), 2000 + (i % 5), SERVER, i);
    expect(t.size).toBe(16);
    let matched = 0;
    for (let h = 0; h < 50; h++) {
      for (let p = 0; p < 5; p++) {
        const client = ip('198.51.100.0') + h;
        const tracked = t.portsOf(client, 2000 + p).length > 0;
        expect(t.match(SERVER, 50000 + h * 5 + p, client, 2000 + p, 300)).toBe(tracked);
        if (tracked) matched++;
      }
    }
    expect(matched).toBe(16);
    // Unrelated traffic on other ports never matches.
    expect(t.match(ip('203.0.113.1'), 443, ip('203.0.113.2'), 40000, 300)).toBe(false);
  });
});
