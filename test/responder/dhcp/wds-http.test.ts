/**
 * WDS policies (banned GUIDs, --answer none, architecture detection + --fallback) and UEFI HTTP
 * boot answers, decided by DhcpLogic; every reply is encoded and decoded again.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeDhcp, encodeDhcp } from '../../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import type { DhcpMessage } from '../../../src/decode/dhcp/types.js';
import { bootUri, DhcpLogic, type DhcpLogicConfig, type Decision } from '../../../src/responder/dhcp/logic.js';
import { LeasePool } from '../../../src/responder/dhcp/leases.js';
import {
  archContradiction,
  BUILTIN_BANNED_GUIDS,
  parseBootSpec,
  parseFallbackSpec,
  readGuidList,
  validate,
  vendorClassArch,
  type BootPolicyConfig,
} from '../../../src/responder/policy.js';

const SERVER = '192.0.2.2';
const bcast = { address: '0.0.0.0', port: 68 };

function policy(extra: Partial<BootPolicyConfig> = {}): BootPolicyConfig {
  const p: BootPolicyConfig = { byArch: new Map(), answer: 'all', allow: new Set(), bannedGuids: new Set(BUILTIN_BANNED_GUIDS), ...extra };
  for (const s of ['bios=pxelinux.0', 'efi64=efi64/syslinux.efi']) parseBootSpec(s, p);
  return p;
}

function logic(over: Partial<DhcpLogicConfig> = {}): DhcpLogic {
  return new DhcpLogic({ serverIp: SERVER, netmask: '255.255.255.0', broadcast: '192.0.2.255', restrictToSubnet: false, policy: policy(), delaySeconds: 0, ...over });
}

function wire(d: Decision): DhcpMessage {
  expect(d.reply).toBeDefined();
  return decodeDhcp(encodeDhcp(d.reply!.msg));
}

function discover(mac: string, o: { vendor: string; arch?: number; guid?: string; type?: number }): DhcpMessage {
  const options = [dhcpOpt.messageType(o.type ?? 1), dhcpOpt.vendorClass(o.vendor)];
  if (o.arch !== undefined) options.push(dhcpOpt.clientArch([o.arch]));
  if (o.guid) options.push({ code: 97, data: Uint8Array.from([0, ...Buffer.from(o.guid.replace(/-/g, ''), 'hex')]) });
  return decodeDhcp(encodeDhcp({ op: 1, xid: 0x4242, chaddr: mac, secs: 0, ciaddr: '0.0.0.0', giaddr: '0.0.0.0', options }));
}

const PXE_BIOS = 'PXEClient:Arch:00000:UNDI:002001';

describe('banned GUIDs', () => {
  it('strips a built-in placeholder GUID: the client is known by MAC only, also for --answer known', () => {
    const req = discover('52:54:00:aa:00:01', { vendor: PXE_BIOS, arch: 0, guid: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
    const m = validate(req, new Set(BUILTIN_BANNED_GUIDS));
    expect(m.guid).toBeUndefined();
    expect(m.bannedGuid).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
    // The allow-list names the placeholder GUID, not the MAC: not answered (the GUID does not identify it).
    const byGuid = logic({ policy: policy({ answer: 'known', allow: new Set(['ffffffff-ffff-ffff-ffff-ffffffffffff']) }) }).handle(req, bcast, 67);
    expect(byGuid.reply).toBeUndefined();
    expect(byGuid.event).toMatchObject({ type: 'ignored', reason: 'not in the allow-list (--answer known)' });
    const byMac = logic({ policy: policy({ answer: 'known', allow: new Set(['52:54:00:aa:00:01']) }) }).handle(req, bcast, 67);
    expect(wire(byMac).file).toBe('pxelinux.0');
    // A real GUID still identifies the client.
    const real = discover('52:54:00:aa:00:02', { vendor: PXE_BIOS, arch: 0, guid: '8a1c0b2e-5f4d-4e21-9c3b-000000000001' });
    expect(validate(real, new Set(BUILTIN_BANNED_GUIDS)).guid).toBe('8a1c0b2e-5f4d-4e21-9c3b-000000000001');
    const ok = logic({ policy: policy({ answer: 'known', allow: new Set(['8a1c0b2e-5f4d-4e21-9c3b-000000000001']) }) }).handle(real, bcast, 67);
    expect(wire(ok).file).toBe('pxelinux.0');
  });

  it('reads a banned-GUID file in any spelling and names a bad line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-ban-'));
    const f = path.join(dir, 'banned.txt');
    fs.writeFileSync(f, '# cloned image\n{4C4C4544-0000-1010-8000-B1C04F333032}\n4c4c454400001010 8000b1c04f333033\n');
    expect(readGuidList(f)).toMatch(/banned\.txt:3: "4c4c454400001010 8000b1c04f333033" is not a GUID/);
    fs.writeFileSync(f, '# cloned image\n{4C4C4544-0000-1010-8000-B1C04F333032}\n4c4c454400001010-8000b1c04f333033\n');
    expect([...(readGuidList(f) as Set<string>)]).toEqual(['4c4c4544-0000-1010-8000-b1c04f333032', '4c4c4544-0000-1010-8000-b1c04f333033']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('--answer none', () => {
  it('answers nobody and logs everyone, in proxy and in full mode', () => {
    const req = discover('52:54:00:aa:00:03', { vendor: PXE_BIOS, arch: 0 });
    const d = logic({ policy: policy({ answer: 'none' }) }).handle(req, bcast, 67);
    expect(d.reply).toBeUndefined();
    expect(d.event).toMatchObject({ type: 'ignored', reason: 'logged only (--answer none)', machine: { mac: '52:54:00:aa:00:03' } });
    const full = { pool: new LeasePool('192.0.2.100', '192.0.2.109', new Set()), netmask: '255.255.255.0', routers: [], dns: [], leaseSeconds: 600 };
    const f = logic({ policy: policy({ answer: 'none' }), full }).handle(discover('52:54:00:aa:00:04', { vendor: 'MSFT 5.0' }), bcast, 67);
    expect(f.reply).toBeUndefined();
    expect(f.event).toMatchObject({ type: 'ignored', reason: 'logged only (--answer none)' });
  });
});

describe('architecture detection', () => {
  it('a client claiming x86 BIOS whose vendor class says x64 UEFI is noticed, and gets the --fallback for BIOS', () => {
    expect(vendorClassArch('PXEClient:Arch:00007:UNDI:003016')).toBe(7);
    expect(vendorClassArch('HTTPClient:Arch:00016:UNDI:003001')).toBe(16);
    expect(vendorClassArch('MSFT 5.0')).toBeUndefined();
    const req = discover('52:54:00:aa:00:05', { vendor: 'PXEClient:Arch:00007:UNDI:003016', arch: 0 });
    const m = validate(req);
    expect(m.vendorArch).toBe(7);
    expect(archContradiction(m)).toBe('claims x86 BIOS (option 93 = 0) but its vendor class says x64 UEFI (Arch:00007)');
    // No fallback: option 93 decides (as the firmware will run what option 93 says it is).
    expect(wire(logic().handle(req, bcast, 67)).file).toBe('pxelinux.0');
    const p = policy();
    expect(parseFallbackSpec('bios=wdsnbp.com', p)).toBeUndefined();
    expect(parseFallbackSpec('default=x', p)).toMatch(/--fallback: unknown architecture "default"/);
    const d = logic({ policy: p }).handle(req, bcast, 67);
    expect(wire(d).file).toBe('wdsnbp.com');
    // A consistent client is not noticed and not given the fallback.
    const ok = discover('52:54:00:aa:00:06', { vendor: PXE_BIOS, arch: 0 });
    expect(archContradiction(validate(ok))).toBeUndefined();
    expect(wire(logic({ policy: p }).handle(ok, bcast, 67)).file).toBe('pxelinux.0');
  });
});

describe('UEFI HTTP boot (vendor class HTTPClient)', () => {
  const httpReq = (type = 1): DhcpMessage => discover('52:54:00:ef:00:01', { vendor: 'HTTPClient:Arch:00016:UNDI:003001', arch: 16, type });

  it('proxy mode: option 60 HTTPClient and the boot URI (file of efi64) in 67 and file, no 43/66', () => {
    const d = logic({ httpBase: 'http://192.0.2.2' }).handle(httpReq(), bcast, 67);
    const r = wire(d);
    expect(r).toMatchObject({ messageType: 2, yiaddr: '0.0.0.0', vendorClass: 'HTTPClient', bootFile: 'http://192.0.2.2/efi64/syslinux.efi', file: 'http://192.0.2.2/efi64/syslinux.efi', serverId: SERVER });
    expect(r.options.some((o) => o.code === 43 || o.code === 66)).toBe(false);
    expect(d.event).toMatchObject({ type: 'offer', shape: 'proxy-http', file: 'http://192.0.2.2/efi64/syslinux.efi' });
  });

  it('without --http an HTTP client is not answered, and says why', () => {
    const d = logic().handle(httpReq(), bcast, 67);
    expect(d.reply).toBeUndefined();
    expect(d.event).toMatchObject({ type: 'ignored', reason: expect.stringContaining('start serve with --http') });
  });

  it('full mode: address + option 60 HTTPClient + URI; an explicit --boot 16=... wins', () => {
    const full = { pool: new LeasePool('192.0.2.100', '192.0.2.109', new Set()), netmask: '255.255.255.0', routers: [], dns: [], leaseSeconds: 600 };
    const p = policy();
    parseBootSpec('16=http/boot x64.efi', p);
    const l = logic({ httpBase: 'http://192.0.2.2:8080', full, policy: p });
    const offer = wire(l.handle(httpReq(), bcast, 67));
    expect(offer).toMatchObject({ yiaddr: '192.0.2.100', vendorClass: 'HTTPClient', bootFile: 'http://192.0.2.2:8080/http/boot%20x64.efi' });
    const reqMsg = decodeDhcp(
      encodeDhcp({
        op: 1,
        xid: 0x4243,
        chaddr: '52:54:00:ef:00:01',
        options: [dhcpOpt.messageType(3), dhcpOpt.vendorClass('HTTPClient:Arch:00016:UNDI:003001'), dhcpOpt.clientArch([16]), dhcpOpt.requestedIp('192.0.2.100'), dhcpOpt.serverId(SERVER)],
      }),
    );
    const ack = wire(l.handle(reqMsg, bcast, 67));
    expect(ack).toMatchObject({ messageType: 5, yiaddr: '192.0.2.100', vendorClass: 'HTTPClient', bootFile: 'http://192.0.2.2:8080/http/boot%20x64.efi' });
  });

  it('iPXE gets its script as a URL; a boot file that is already a URL is passed as is', () => {
    expect(bootUri('http://192.0.2.2', 'boot.ipxe')).toBe('http://192.0.2.2/boot.ipxe');
    expect(bootUri('http://192.0.2.2', '\\Boot\\x64\\wdsmgfw.efi')).toBe('http://192.0.2.2/Boot/x64/wdsmgfw.efi');
    expect(bootUri('http://192.0.2.2', 'https://boot.example/x.efi')).toBe('https://boot.example/x.efi');
  });
});
