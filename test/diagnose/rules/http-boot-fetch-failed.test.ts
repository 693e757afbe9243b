/** http-boot-fetch-failed: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { httpDora, httpGet } from './http.js';
import { only } from './fixtures.js';

describe('http-boot-fetch-failed', () => {
  it('fires on HTTP 404 with the request and the response as evidence', () => {
    const s = new Scenario();
    httpDora(s, { url: 'http://192.0.2.1:8080/boot.efi', echo60: true });
    const get = httpGet(s, '404 File not found', 469);
    const f = only(s.run(), 'http-boot-fetch-failed');
    expect(f.severity).toBe('error');
    expect(f.title).toContain('HTTP 404');
    expect(f.frames).toEqual(expect.arrayContaining([get.request, get.response]));
  });
  it('stays quiet on a complete 200 download', () => {
    const s = new Scenario();
    httpDora(s, { url: 'http://192.0.2.1:8080/boot.efi', echo60: true });
    httpGet(s, '200 OK', 3000);
    expect(ids(s.run())).not.toContain('http-boot-fetch-failed');
  });
});
