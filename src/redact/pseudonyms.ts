/**
 * Consistent pseudonyms for what identifies a network (docs/redact.md): the same input gives the
 * same pseudonym within a run, two different inputs never share one, and a pseudonym has the
 * length of what it replaces (so packets keep their layout, lengths and sequence numbers).
 *
 * - MAC: locally administered 02:00:00:00:00:01, :02, ... (with keepOui: the vendor's first three
 *   bytes stay and the last three count up). Group (multicast, broadcast) and all-zero addresses stay.
 * - IPv4: each /24 network gets a pseudonym network whose octets have the same number of digits
 *   (192.0.2.0/24 -> 100.0.0.0/24), the host octet stays: broadcasts stay broadcasts, hosts of one
 *   subnet stay in one subnet, and dotted text keeps its length. 0.0.0.0, 255.255.255.255,
 *   127/8, 169.254/16 and 224/4 stay.
 * - IPv6: each 16-bit group of the /64 prefix, and of the interface id, gets a pseudonym with the
 *   same number of hex digits (zero groups stay zero, so text keeps its length); an EUI-64
 *   interface id follows its MAC's pseudonym; fe80::/64's prefix, ::, ::1 and ff00::/8 stay.
 * - GUID/UUID: 16 pseudonym bytes; all-zero and all-FF GUIDs stay (they are findings).
 * - Names (host names, path components): a same-length pseudonym per distinct name; well-known
 *   loader and config names, file extensions and components of 1-2 characters stay.
 */

const HEX = '0123456789abcdef';

/** Loader, config and directory names that say nothing about a network (kept so the report reads the same). */
const WELL_KNOWN = new Set(
  [
    'pxelinux.0', 'lpxelinux.0', 'gpxelinux.0', 'ldlinux.c32', 'ldlinux.e64', 'ldlinux.e32', 'libcom32.c32', 'libutil.c32', 'menu.c32', 'vesamenu.c32', 'syslinux.efi',
    'undionly.kpxe', 'undionly.kkpxe', 'ipxe.pxe', 'ipxe.efi', 'snponly.efi', 'ipxe.lkrn', 'ipxe.kpxe', 'ipxe', 'autoexec.ipxe', 'boot.ipxe',
    'bootx64.efi', 'bootia32.efi', 'bootaa64.efi', 'shimx64.efi', 'shimaa64.efi', 'shim.efi', 'grubx64.efi', 'grubaa64.efi', 'grubnetx64.efi', 'grubnetx64.efi.signed', 'mmx64.efi', 'fbx64.efi',
    'grub.cfg', 'grub', 'pxelinux.cfg', 'default', 'efi64', 'efi32', 'efi', 'boot', 'tftpboot', 'tftp', 'srv', 'var', 'lib', 'tmp', 'bios', 'uefi', 'x86_64', 'x64', 'arm64', 'i386', 'amd64',
    'wdsnbp.com', 'pxeboot.com', 'pxeboot.n12', 'bootmgr.exe', 'bootmgfw.efi', 'wdsmgfw.efi', 'abortpxe.com', 'bcd', 'sources', 'boot.wim',
    'vmlinuz', 'initrd', 'initrd.img', 'initrd.gz', 'linux', 'kernel', 'images', 'pxeboot', 'casper', 'live', 'install', 'netboot', 'ubuntu-installer', 'debian-installer',
    // Probes a loader makes whose miss is normal (the analyzer recognises them by name): shim's
    // optional files, GRUB's module lists and platform directories, a Raspberry Pi's boot signature.
    'revocations.efi', 'revocations_sku.efi', 'revocations_sbat.efi', 'shim_certificate_0.efi', 'mmia32.efi', 'mmaa64.efi', 'fbia32.efi', 'fbaa64.efi', 'abortpxe.efi',
    'command.lst', 'fs.lst', 'crypto.lst', 'terminal.lst', 'partmap.lst', 'parttool.lst', 'video.lst', 'moddep.lst', 'locale',
    'x86_64-efi', 'i386-efi', 'i386-pc', 'arm64-efi', 'arm-efi', 'riscv64-efi', 'loongarch64-efi', 'bootsig.bin',
    'http', 'https', 'tftp:', 'http:', 'https:', 'localhost', 'file', 'not', 'found', 'for', 'access', 'violation', 'error', 'no', 'such', 'directory', 'permission', 'denied',
  ].map((s) => s.toLowerCase()),
);

function isGroupMac(b: Uint8Array, off: number): boolean {
  return ((b[off] as number) & 1) === 1;
}

function digits(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : 3;
}

function hexDigits(n: number): number {
  return n === 0 ? 0 : n < 0x10 ? 1 : n < 0x100 ? 2 : n < 0x1000 ? 3 : 4;
}

export interface PseudonymOptions {
  /** Keep the first three bytes of MACs (the vendor's OUI). */
  keepOui?: boolean;
}

export class Pseudonyms {
  private readonly keepOui: boolean;
  private readonly macs = new Map<string, Uint8Array>();
  private macCount = 0;
  private readonly nets = new Map<number, number>();
  private readonly usedNets = new Set<number>();
  private readonly groups6 = new Map<string, number>();
  private readonly usedGroups6 = new Set<string>();
  private readonly guids = new Map<string, Uint8Array>();
  private guidCount = 0;
  private readonly names = new Map<string, string>();
  private readonly usedNames = new Set<string>();
  private nameCount = 0;
  /** UUID text forms (both byte orders of a GUID seen in binary) -> pseudonym text in the same form. */
  private readonly uuidText = new Map<string, string>();

  constructor(opts: PseudonymOptions = {}) {
    this.keepOui = opts.keepOui === true;
  }

  // ---- MAC ---------------------------------------------------------------------------------

  /** Replace the 6 bytes at b[off] with their pseudonym (group addresses stay). */
  macAt(b: Uint8Array, off: number): void {
    if (off < 0 || off + 6 > b.length || isGroupMac(b, off)) return;
    // 00:00:00:00:00:00 means "no address" (an empty chaddr, an ARP request's target): it stays.
    if (b[off] === 0 && b[off + 1] === 0 && b[off + 2] === 0 && b[off + 3] === 0 && b[off + 4] === 0 && b[off + 5] === 0) return;
    const p = this.mac(b.subarray(off, off + 6));
    b.set(p, off);
  }

  mac(m: Uint8Array): Uint8Array {
    if (isGroupMac(m, 0) || m.every((x) => x === 0)) return m.slice();
    const key = Array.from(m, (x) => x.toString(16).padStart(2, '0')).join(':');
    let p = this.macs.get(key);
    if (p === undefined) {
      // Pseudonyms are never looked up again as inputs, so a pseudonym equal to another input is harmless.
      const n = ++this.macCount;
      p = this.keepOui ? Uint8Array.of(m[0] as number, m[1] as number, m[2] as number, (n >> 16) & 255, (n >> 8) & 255, n & 255) : Uint8Array.of(2, 0, 0, (n >> 16) & 255, (n >> 8) & 255, n & 255);
      this.macs.set(key, p);
    }
    return p;
  }

  // ---- IPv4 --------------------------------------------------------------------------------

  private static keeps4(a: number): boolean {
    const o1 = a >>> 24;
    return a === 0 || a === 0xffffffff || o1 === 127 || o1 >= 224 || o1 === 0 || (o1 === 169 && ((a >>> 16) & 255) === 254);
  }

  ipv4(a: number): number {
    a >>>= 0;
    if (Pseudonyms.keeps4(a)) return a;
    const net = a >>> 8;
    let p = this.nets.get(net);
    if (p === undefined) {
      p = this.newNet((net >>> 16) & 255, (net >>> 8) & 255, net & 255);
      this.nets.set(net, p);
      this.usedNets.add(p);
    }
    return ((p << 8) | (a & 255)) >>> 0;
  }

  /** The next free network whose octets have the digit counts of o1.o2.o3. */
  private newNet(o1: number, o2: number, o3: number): number {
    const [l1, l2, l3] = [digits(o1), digits(o2), digits(o3)];
    const range = (l: number, first: boolean): number[] => {
      const lo = l === 1 ? (first ? 1 : 0) : l === 2 ? 10 : 100;
      const hi = l === 1 ? 9 : l === 2 ? 99 : first ? 223 : 255;
      const out: number[] = [];
      for (let v = lo; v <= hi; v++) if (!(first && (v === 127 || v === 169))) out.push(v);
      return out;
    };
    // First octets from 10 / 100 / 1 up (10.x and 100.x are private / shared ranges where they fit).
    for (const a of range(l1, true)) {
      for (const b of range(l2, false)) {
        for (const c of range(l3, false)) {
          const n = (a << 16) | (b << 8) | c;
          if (!this.usedNets.has(n)) return n;
        }
      }
    }
    // Every network of that shape used (a capture with thousands of them): share the last.
    return (o1 << 16) | (o2 << 8) | o3;
  }

  ipv4At(b: Uint8Array, off: number): void {
    if (off < 0 || off + 4 > b.length) return;
    const a = (((b[off] as number) << 24) | ((b[off + 1] as number) << 16) | ((b[off + 2] as number) << 8) | (b[off + 3] as number)) >>> 0;
    const p = this.ipv4(a);
    b[off] = p >>> 24;
    b[off + 1] = (p >>> 16) & 255;
    b[off + 2] = (p >>> 8) & 255;
    b[off + 3] = p & 255;
  }

  // ---- IPv6 --------------------------------------------------------------------------------

  private group6(kind: string, value: number): number {
    if (value === 0) return 0;
    const key = `${kind}:${value}`;
    let p = this.groups6.get(key);
    if (p === undefined) {
      const d = hexDigits(value);
      const lo = d === 1 ? 1 : 16 ** (d - 1);
      const hi = 16 ** d - 1;
      // Step through the same-digit range from a fixed start (fd.. for 4 digits: ULA-like).
      const start = d === 4 ? 0xfd00 : lo;
      for (let i = 0; i <= hi - lo; i++) {
        const v = lo + ((start - lo + i) % (hi - lo + 1));
        if (!this.usedGroups6.has(`${kind}:${v}`)) {
          p = v;
          break;
        }
      }
      p ??= value;
      this.groups6.set(key, p);
      this.usedGroups6.add(`${kind}:${p}`);
    }
    return p;
  }

  ipv6At(b: Uint8Array, off: number): void {
    if (off < 0 || off + 16 > b.length) return;
    const a = b.subarray(off, off + 16);
    if (a[0] === 0xff) return; // multicast
    if (a.every((x, i) => x === 0 || (i === 15 && x === 1))) return; // :: and ::1
    const linkLocal = a[0] === 0xfe && ((a[1] as number) & 0xc0) === 0x80;
    if (!linkLocal) {
      for (let g = 0; g < 4; g++) {
        const v = this.group6('p', ((a[2 * g] as number) << 8) | (a[2 * g + 1] as number));
        a[2 * g] = v >> 8;
        a[2 * g + 1] = v & 255;
      }
    }
    if (a[11] === 0xff && a[12] === 0xfe) {
      // EUI-64 from a MAC (universal/local bit flipped).
      const mac = Uint8Array.of((a[8] as number) ^ 2, a[9] as number, a[10] as number, a[13] as number, a[14] as number, a[15] as number);
      const p = this.mac(mac);
      a.set([(p[0] as number) ^ 2, p[1] as number, p[2] as number, 0xff, 0xfe, p[3] as number, p[4] as number, p[5] as number], 8);
      return;
    }
    for (let g = 4; g < 8; g++) {
      const v = this.group6('i', ((a[2 * g] as number) << 8) | (a[2 * g + 1] as number));
      a[2 * g] = v >> 8;
      a[2 * g + 1] = v & 255;
    }
  }

  // ---- GUID --------------------------------------------------------------------------------

  guidAt(b: Uint8Array, off: number): void {
    if (off < 0 || off + 16 > b.length) return;
    const g = b.subarray(off, off + 16);
    if (g.every((x) => x === 0) || g.every((x) => x === 0xff)) return;
    const key = hex(g);
    let p = this.guids.get(key);
    if (p === undefined) {
      const n = ++this.guidCount;
      // A version-4-looking UUID: 00000000-0000-4000-8000-00000000000n.
      p = new Uint8Array(16);
      p[6] = 0x40;
      p[8] = 0x80;
      p[12] = (n >>> 24) & 255;
      p[13] = (n >>> 16) & 255;
      p[14] = (n >>> 8) & 255;
      p[15] = n & 255;
      this.guids.set(key, p);
      // Its text forms: as written (big-endian) and with the first three fields byte-swapped (SMBIOS).
      this.uuidText.set(uuidString(g, false), uuidString(p, false));
      this.uuidText.set(uuidString(g, true), uuidString(p, true));
    }
    g.set(p);
  }

  /** A UUID written as text: its pseudonym in the same form (a fresh one if it was never seen in binary). */
  uuid(text: string): string {
    const lower = text.toLowerCase();
    let p = this.uuidText.get(lower);
    if (p === undefined) {
      const bytes = Uint8Array.from(lower.replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
      this.guidAt(bytes, 0);
      p = this.uuidText.get(lower) ?? uuidString(bytes, false);
    }
    return text === lower ? p : p.toUpperCase();
  }

  // ---- names and text ----------------------------------------------------------------------

  /** A host name or path component: a same-length pseudonym (extension and well-known names kept). */
  name(s: string, prefix = 'n'): string {
    if (s.length <= 2 || WELL_KNOWN.has(s.toLowerCase()) || /^[0-9]+$/.test(s)) return s;
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 6 ? s.slice(dot) : '';
    const stem = s.slice(0, s.length - ext.length);
    if (stem.length <= 2) return s;
    const key = stem;
    let p = this.names.get(key);
    if (p === undefined) {
      for (;;) {
        const n = (++this.nameCount).toString(36);
        const body = n.length <= stem.length - 1 ? n.padStart(stem.length - 1, '0') : n.slice(-(stem.length - 1));
        p = prefix + body;
        if (!this.usedNames.has(p) && !WELL_KNOWN.has(p)) break;
      }
      this.names.set(key, p);
      this.usedNames.add(p);
    }
    // Keep the case pattern where it matters little: upper-case names stay upper-case.
    if (stem === stem.toUpperCase() && /[A-Z]/.test(stem)) p = p.toUpperCase();
    return p + ext;
  }

  /** A path (slashes or backslashes): each component on its own. */
  path(s: string): string {
    return s
      .split(/([/\\])/)
      .map((part) => (part === '/' || part === '\\' || part === '' ? part : this.component(part)))
      .join('');
  }

  /** One path component; MACs, IP addresses and UUIDs in it follow their own pseudonyms. */
  private component(part: string): string {
    // GRUB's config search (grub.cfg-01-<mac>, grub.cfg-<hex ip>): the prefix tells the analyzer what it is.
    const grub = /^(grub\.cfg-)(.+)$/i.exec(part);
    if (grub) {
      const rest = this.scrubTokens(grub[2]!);
      return grub[1]! + (rest !== grub[2] ? rest : this.name(grub[2]!, 'f'));
    }
    const t = this.scrubTokens(part);
    if (t !== part) return t;
    return this.name(part, 'f');
  }

  /** A host name: each label but the top-level one. */
  hostname(s: string): string {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) return this.text(s);
    const labels = s.split('.');
    return labels.map((l, i) => (i === labels.length - 1 && labels.length > 1 ? l : this.name(l, 'h'))).join('.');
  }

  /** MACs, UUIDs, IPv4 and IPv6 addresses in a string, each replaced by its pseudonym text. */
  scrubTokens(s: string): string {
    return s
      .replace(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, (u) => this.uuid(u))
      // PXELINUX's config name for a MAC: 01- (ARP type) then the MAC with dashes.
      .replace(/\b(01-)((?:[0-9a-fA-F]{2}-){5}[0-9a-fA-F]{2})(?![-:0-9a-fA-F])/g, (_m, pre: string, mac: string) => pre + this.macText(mac))
      .replace(/(?<![0-9a-fA-F][:-])\b[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}\b(?![:-][0-9a-fA-F])/g, (m) => this.macText(m))
      .replace(/\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g, (m, a: string, b: string, c: string, d: string) => {
        const o = [a, b, c, d].map(Number);
        if (o.some((x) => x > 255) || [a, b, c, d].some((x) => x.length > 1 && x.startsWith('0'))) return m;
        const p = this.ipv4(((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0);
        return `${p >>> 24}.${(p >>> 16) & 255}.${(p >>> 8) & 255}.${p & 255}`;
      })
      .replace(/(?<![0-9a-zA-Z:])(?:[0-9a-fA-F]{1,4}:){1,7}:?(?::?[0-9a-fA-F]{1,4}){0,7}(?![0-9a-zA-Z:])/g, (m) => this.ipv6Text(m));
  }

  /** A MAC written with ':' or '-' separators: its pseudonym written the same way. */
  private macText(m: string): string {
    const sep = m[2] as string;
    const p = this.mac(Uint8Array.from(m.split(sep).map((h) => parseInt(h, 16))));
    const out = Array.from(p, (x) => x.toString(16).padStart(2, '0')).join(sep);
    return m === m.toUpperCase() && /[A-F]/.test(m) ? out.toUpperCase() : out;
  }

  private ipv6Text(m: string): string {
    const bytes = parseIpv6Text(m);
    if (bytes === undefined) return m;
    this.ipv6At(bytes, 0);
    const out = formatIpv6(bytes);
    return out.length === m.length ? (m === m.toUpperCase() ? out.toUpperCase() : out) : m;
  }

  /**
   * Free text (TFTP error messages, URLs, HTTP headers): URLs (host and path), UUIDs, MACs, IPv4
   * and IPv6 addresses, absolute paths. One pass, so a pseudonym is never mapped again.
   */
  text(s: string): string {
    const url = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)(\[[^\]]+\]|[^/\s:]+)(:\d+)?(\/[^\s"'<>]*)?/y;
    const unixPath = /((?:\/[^\s/"'()]+)+\/?)/y;
    let out = '';
    let i = 0;
    let plain = '';
    const flush = () => {
      out += this.scrubTokens(plain);
      plain = '';
    };
    while (i < s.length) {
      url.lastIndex = i;
      const m = /[a-zA-Z]/.test(s[i]!) && (i === 0 || !/[a-zA-Z0-9+.-]/.test(s[i - 1]!)) ? url.exec(s) : null;
      if (m) {
        flush();
        const host = m[2]!;
        const h = host.startsWith('[') ? `[${this.scrubTokens(host.slice(1, -1))}]` : /^[\d.]+$/.test(host) ? this.scrubTokens(host) : this.hostname(host);
        out += `${m[1]}${h}${m[3] ?? ''}${m[4] ? this.path(m[4]) : ''}`;
        i += m[0].length;
        continue;
      }
      if (s[i] === '/' && (i === 0 || /[\s"'=(]/.test(s[i - 1]!))) {
        unixPath.lastIndex = i;
        const pm = unixPath.exec(s);
        if (pm) {
          flush();
          out += this.path(pm[1]!);
          i += pm[0].length;
          continue;
        }
      }
      plain += s[i];
      i++;
    }
    flush();
    return out;
  }
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}

function uuidString(g: Uint8Array, swapped: boolean): string {
  const b = swapped ? Uint8Array.of(g[3]!, g[2]!, g[1]!, g[0]!, g[5]!, g[4]!, g[7]!, g[6]!, ...g.subarray(8)) : g;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Parse IPv6 text (no zone, no embedded IPv4); undefined when it is not one. */
export function parseIpv6Text(s: string): Uint8Array | undefined {
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  if (parts.length === 1 && head.length !== 8) return undefined;
  if (head.length + tail.length > (parts.length === 2 ? 7 : 8)) return undefined;
  const groups = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 255;
  });
  return out;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const f = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? f(g) : `${f(g.slice(0, best))}::${f(g.slice(best + bestLen))}`;
}
