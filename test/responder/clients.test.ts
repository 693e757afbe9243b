import { describe, expect, it } from 'vitest';
import { ClientTable, LruMap, newClient, outcomeOf } from '../../src/responder/clients.js';

describe('LruMap', () => {
  it('drops the least recently used entry beyond the cap; get() and set() count as use, peek() does not', () => {
    const dropped: string[] = [];
    const m = new LruMap<string, number>(3, (k) => dropped.push(k));
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a')).toBe(1); // a is now the most recent
    expect(m.peek('b')).toBe(2); // b stays the oldest
    m.set('d', 4);
    expect(dropped).toEqual(['b']);
    m.set('c', 30); // re-set moves c up
    m.set('e', 5);
    expect(dropped).toEqual(['b', 'a']);
    expect([...m.values()]).toEqual([4, 30, 5]);
    expect(m.size).toBe(3);
  });
});

describe('ClientTable', () => {
  it('stays within the cap under a flood of MACs and counts the dropped clients by outcome', () => {
    const t = new ClientTable(1000);
    for (let i = 0; i < 300_000; i++) {
      const c = newClient(`02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`);
      c.offers = 1;
      t.add(c);
      if (t.size > 1000) throw new Error(`table grew to ${t.size}`);
    }
    const s = t.summary();
    expect(s.clients).toHaveLength(1000);
    expect(s.dropped).toBe(299_000);
    expect(s.counts['answered, no download']).toBe(300_000);
    expect(s.counts.downloaded).toBe(0);
  });

  it('lists problem clients first: failed, refused, not answered, answered without download, downloaded', () => {
    const t = new ClientTable(10);
    const mk = (id: string, f: (c: ReturnType<typeof newClient>) => void): void => {
      const c = newClient(id);
      f(c);
      t.add(c);
    };
    mk('ok', (c) => {
      c.offers = 1;
      c.transfersComplete = 1;
    });
    mk('quiet', (c) => {
      c.offers = 1;
    });
    mk('ignored', (c) => {
      c.ignored = 1;
    });
    mk('refused', (c) => {
      c.offers = 1;
      c.refused = 2;
    });
    mk('failed', (c) => {
      c.offers = 1;
      c.transfersFailed = 1;
    });
    mk('nak', (c) => {
      c.naks = 1;
    });
    const s = t.summary();
    expect(s.clients.map((c) => `${c.id}:${outcomeOf(c)}`)).toEqual([
      'failed:failed',
      'nak:failed',
      'refused:refused',
      'ignored:not answered',
      'quiet:answered, no download',
      'ok:downloaded',
    ]);
    expect(s.counts).toEqual({ failed: 2, refused: 1, 'not answered': 1, 'answered, no download': 1, downloaded: 1 });
    expect(s.dropped).toBe(0);
  });

  it('a flood of one-off newcomers never pushes out a client that went further (promoted)', () => {
    const t = new ClientTable(100);
    const real = newClient('52:54:00:be:00:01');
    real.offers = 1;
    t.add(real);
    t.promote(real.id);
    for (let i = 0; i < 10_000; i++) t.add(newClient(`flood-${i}`));
    expect(t.peek(real.id)).toBe(real);
    expect(t.size).toBe(101);
    // Listed first: the flood's newcomers come after the clients that went further.
    expect(t.summary().clients[0]).toBe(real);
    expect(t.summary().dropped).toBe(9_900);
  });

  it('a client that comes back is moved up and survives, an idle one is dropped', () => {
    const t = new ClientTable(2);
    t.add(newClient('busy'));
    t.add(newClient('idle'));
    expect(t.touch('busy')).toBeDefined();
    t.add(newClient('new'));
    expect(t.peek('idle')).toBeUndefined();
    expect(t.peek('busy')).toBeDefined();
  });
});
