/** http-boot-no-url: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { httpDora, httpGet } from './http.js';
import { only } from './fixtures.js';

describe('http-boot-no-url', () => {
  it('fires when the offer to an HTTPClient does not echo vendor class "HTTPClient"', () => {
    const s = new Scenario();
    httpDora(s, { url: 'http://192.0.2.1:8080/boot.efi', echo60: false });
    const f = only(s.run(), 'http-boot-no-url');
    expect(f.severity).toBe('error');
    expect(f.cause).toContain('does not echo the vendor class "HTTPClient"');
  });
  it('fires when the offer has no http(s) URL', () => {
    const s = new Scenario();
    httpDora(s, { echo60: true });
    expect(only(s.run(), 'http-boot-no-url').cause).toContain('has no http:// or https:// URL');
  });
  it('stays quiet when the offer has the URL and the vendor class, and the GET completes', () => {
    const s = new Scenario();
    httpDora(s, { url: 'http://192.0.2.1:8080/boot.efi', echo60: true });
    httpGet(s, '200 OK', 3000);
    expect(ids(s.run())).not.toContain('http-boot-no-url');
  });
});
