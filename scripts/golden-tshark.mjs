#!/usr/bin/env node
/**
 * Writes tshark's view of every DHCP, TFTP and ICMP-unreachable frame of some captures as
 * normalized golden JSON under test/golden/, for test/decode/tshark-diff.test.ts (so CI needs no
 * tshark). Rerun it when fixtures are added:
 *
 *   node scripts/golden-tshark.mjs              # fixtures/public, fixtures/captures, test/golden/captures
 *   node scripts/golden-tshark.mjs fixtures/captures/*.pcapng
 *   node scripts/golden-tshark.mjs --stdout x.pcap   # print instead of writing (live tests)
 *
 * The golden file for fixtures/a/b.pcap is test/golden/fixtures/a/b.pcap.json (.json.gz above
 * 1 MB); captures of our own in test/golden/captures/ get theirs beside them. Captures tshark
 * cannot read are skipped with a message. Field names follow `pxe-doctor decode --json` so the
 * test compares like with like; values are tshark's, converted only in form (hex "0x1a" -> number,
 * "aa:bb" hex -> "aabb"), never in meaning. Known differences in meaning are handled in the test.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Captures compared by default: the public ones, the lab's, and the decoder's own (fragments). */
const DEFAULT_DIRS = ['fixtures/public', 'fixtures/captures', 'test/golden/captures'];
const GZIP_ABOVE = 1024 * 1024;
const CAPTURE_EXT = /\.(pcap|pcapng|cap|snoop|pcap\.gz|pcapng\.gz)$/i;

/** fixtures/a/b.pcap -> test/golden/fixtures/a/b.pcap.json; our own test/golden/captures/x -> x.json beside it. */
function goldenPath(rel) {
  return rel.startsWith('test/golden/') ? join(root, `${rel}.json`) : join(root, 'test', 'golden', `${rel}.json`);
}

function walk(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (CAPTURE_EXT.test(e)) out.push(p);
  }
  return out;
}

/** tshark merges repeated keys into arrays (--no-duplicate-keys); make every value a list. */
function list(v) {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
function first(v) {
  return Array.isArray(v) ? v[0] : v;
}
function num(v) {
  const s = first(v);
  if (s === undefined) return undefined;
  return s.startsWith('0x') ? parseInt(s, 16) : Number(s);
}
function hex(v) {
  return v === undefined ? undefined : String(v).replace(/:/g, '').toLowerCase();
}
/** First value of `key` anywhere under `obj` (depth-first, document order). */
function find(obj, key) {
  if (obj === null || typeof obj !== 'object') return undefined;
  if (Array.isArray(obj)) {
    for (const o of obj) {
      const r = find(o, key);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (key in obj) return obj[key];
  for (const v of Object.values(obj)) {
    const r = find(v, key);
    if (r !== undefined) return r;
  }
  return undefined;
}
function findAll(obj, key, out = []) {
  if (obj === null || typeof obj !== 'object') return out;
  if (Array.isArray(obj)) {
    for (const o of obj) findAll(o, key, out);
    return out;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === key) out.push(...list(v));
    else findAll(v, key, out);
  }
  return out;
}
function hexToLatin1(h) {
  return Buffer.from(h.replace(/:/g, ''), 'hex').toString('latin1');
}
function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * tshark's typed field per option code, for comparing the typed `value` of `decode --json`.
 * `list` = the option is a list even when tshark shows a single value.
 */
const TYPED_FIELDS = {
  1: ['dhcp.option.subnet_mask'],
  3: ['dhcp.option.router', 'list'],
  6: ['dhcp.option.domain_name_server', 'list'],
  12: ['dhcp.option.hostname'],
  15: ['dhcp.option.domain_name'],
  28: ['dhcp.option.broadcast_address'],
  42: ['dhcp.option.ntp_server', 'list'],
  50: ['dhcp.option.requested_ip_address'],
  51: ['dhcp.option.ip_address_lease_time', 'number'],
  53: ['dhcp.option.dhcp', 'number'],
  54: ['dhcp.option.dhcp_server_id'],
  55: ['dhcp.option.request_list_item', 'list', 'number'],
  57: ['dhcp.option.dhcp_max_message_size', 'number'],
  58: ['dhcp.option.renewal_time_value', 'number'],
  59: ['dhcp.option.rebinding_time_value', 'number'],
  60: ['dhcp.option.vendor_class_id'],
  66: ['dhcp.option.tftp_server_name'],
  67: ['dhcp.option.bootfile_name'],
  93: ['dhcp.option.client_system_architecture', 'list', 'number'],
  150: ['dhcp.option.tftp_server_address', 'list'],
};

function typedValue(code, tree) {
  const spec = TYPED_FIELDS[code];
  if (!spec || !(spec[0] in tree)) return undefined;
  const [field, ...flags] = spec;
  const asNumber = flags.includes('number');
  const values = list(tree[field]).map((v) => (asNumber ? num(v) : v));
  return flags.includes('list') ? values : values[0];
}

/** Options of one area (tshark: parallel lists of types and their subtrees). */
function areaOptions(holder, options, overloads) {
  const types = list(holder['dhcp.option.type']);
  const trees = list(holder['dhcp.option.type_tree']);
  types.forEach((t, i) => {
    const tree = trees[i] ?? {};
    // tshark lists End and Pad among the types; our options carry data only.
    if ('dhcp.option.end' in tree || 'dhcp.option.padding' in tree) return;
    const code = Number(t);
    if (code === 0 || code === 255) return;
    options.push(clean({ code, length: num(tree['dhcp.option.length']), value: hex(tree['dhcp.option.value']), typed: typedValue(code, tree) }));
    if (tree['Boot file name option overload']) overloads.file = tree['Boot file name option overload'];
    if (tree['Server host name option overload']) overloads.sname = tree['Server host name option overload'];
  });
}

function normalizeDhcp(d) {
  const options = [];
  const overloads = {};
  areaOptions(d, options, overloads);
  // Option 52 overload: tshark nests the options found in file/sname under option 52. RFC 2131
  // section 4.1 reads the options field first, then file, then sname: list them in that order.
  if (overloads.file) areaOptions(overloads.file, options, {});
  if (overloads.sname) areaOptions(overloads.sname, options, {});
  // An overloaded sname/file holds options, not a name: tshark then shows no name at all.
  const snameOverloaded = 'Server name option overloaded by DHCP' in d;
  const fileOverloaded = 'Boot file name option overloaded by DHCP' in d;
  const userClass = findAll(d, 'dhcp.option.user_class.data').map(hexToLatin1);
  const arch = findAll(d, 'dhcp.option.client_system_architecture').map(Number);
  return clean({
    op: num(d['dhcp.type']),
    htype: num(d['dhcp.hw.type']),
    hlen: num(d['dhcp.hw.len']),
    xid: num(d['dhcp.id']),
    secs: num(d['dhcp.secs']),
    flags: num(d['dhcp.flags']),
    ciaddr: d['dhcp.ip.client'],
    yiaddr: d['dhcp.ip.your'],
    siaddr: d['dhcp.ip.server'],
    giaddr: d['dhcp.ip.relay'],
    chaddr: first(d['dhcp.hw.mac_addr']),
    sname: typeof d['dhcp.server'] === 'string' ? d['dhcp.server'] : snameOverloaded ? '' : undefined,
    file: typeof d['dhcp.file'] === 'string' ? d['dhcp.file'] : fileOverloaded ? '' : undefined,
    cookie: d['dhcp.cookie'],
    messageType: num(find(d, 'dhcp.option.dhcp')),
    options,
    vendorClass: find(d, 'dhcp.option.vendor_class_id'),
    clientArch: arch.length ? arch : undefined,
    clientGuid: find(d, 'dhcp.client_id.uuid'),
    tftpServer: find(d, 'dhcp.option.tftp_server_name'),
    bootFile: find(d, 'dhcp.option.bootfile_name'),
    serverId: find(d, 'dhcp.option.dhcp_server_id'),
    userClass: userClass.length ? userClass : undefined,
  });
}

function normalizeTftp(t, layers) {
  const opcode = num(t['tftp.opcode']);
  const options = {};
  for (const [k, v] of Object.entries(t)) {
    if (!k.startsWith('Option:')) continue;
    for (const o of list(v)) options[String(o['tftp.option.name']).toLowerCase()] = o['tftp.option.value'];
  }
  const out = { opcode };
  if (opcode === 1) Object.assign(out, { filename: t['tftp.source_file'], mode: t['tftp.type'], options });
  if (opcode === 2) Object.assign(out, { filename: t['tftp.destination_file'], mode: t['tftp.type'], options });
  if (opcode === 3) {
    out.block = num(t['tftp.block']);
    out.length = layers.data ? num(layers.data['data.len']) : 0;
  }
  if (opcode === 4) out.block = num(t['tftp.block']);
  if (opcode === 5) Object.assign(out, { errorCode: num(t['tftp.error.code']), errorMessage: t['tftp.error.message'] });
  if (opcode === 6) out.options = options;
  return clean(out);
}

function normalizeIcmp(icmp) {
  const inner = icmp.ip ?? {};
  const udp = icmp.udp ?? {};
  return clean({
    type: num(icmp['icmp.type']),
    code: num(icmp['icmp.code']),
    quoted: clean({ src: inner['ip.src'], sport: num(udp['udp.srcport']), dst: inner['ip.dst'], dport: num(udp['udp.dstport']) }),
  });
}

/**
 * DHCPv6 (engineer K, docs/ipv6-http-bsdp.md). tshark 4.0 leaves options 59/61/62 undecoded, so
 * options are compared by their raw TLV bytes (tshark's `-x` view of each top-level option) and
 * the fields tshark does decode (type, xid, DUIDs, vendor class, relay addresses) by value.
 */
function normalizeDhcp6(d) {
  const raws = list(d['dhcpv6.option.type_str_raw']).map((r) => (Array.isArray(r) && typeof r[0] === 'string' ? r[0] : undefined));
  const trees = list(d['dhcpv6.option.type_str_tree']);
  const options = raws.map((h) => (h === undefined ? {} : { code: parseInt(h.slice(0, 4), 16), length: parseInt(h.slice(4, 8), 16), value: h.slice(8) }));
  const optionValue = (code) => options.find((o) => o.code === code)?.value;
  const latin1 = (h) => (h === undefined ? undefined : Buffer.from(h, 'hex').toString('latin1'));
  const clientTree = trees.find((t) => t && t['dhcpv6.option.type'] === '1');
  const vc = trees.find((t) => t && t['dhcpv6.option.type'] === '16');
  const relay = trees.find((t) => t && t['dhcpv6.option.type'] === '9');
  const msgType = num(d['dhcpv6.msgtype']);
  return clean({
    msgType,
    transactionId: msgType === 12 || msgType === 13 ? undefined : num(d['dhcpv6.xid']),
    hopCount: num(d['dhcpv6.hopcount']),
    linkAddress: d['dhcpv6.linkaddr'],
    peerAddress: d['dhcpv6.peeraddr'],
    options,
    clientIdHex: clientTree ? hex(clientTree['dhcpv6.duid.bytes']) : undefined,
    bootfileUrl: latin1(optionValue(59)),
    vendorClassEnterprise: vc ? num(vc['dhcpv6.vendorclass.enterprise']) : undefined,
    vendorClass: vc ? first(vc['dhcpv6.vendorclass.data']) : undefined,
    relayMessage: relay && relay['DHCPv6'] ? normalizeDhcp6(relay['DHCPv6']) : undefined,
  });
}

function dhcp6Frames(file) {
  const json = execFileSync('tshark', ['-n', '-r', file, '-T', 'json', '-x', '--no-duplicate-keys', '-Y', 'dhcpv6'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
  return JSON.parse(json || '[]').map((p) => {
    const L = p._source.layers;
    const ip6 = list(L.ipv6)[0] ?? {};
    const udp = list(L.udp)[0] ?? {};
    return clean({
      frame: Number(L.frame['frame.number']),
      time: Number(L.frame['frame.time_relative']),
      protocols: L.frame['frame.protocols'],
      src: ip6['ipv6.src'],
      sport: num(udp['udp.srcport']),
      dst: ip6['ipv6.dst'],
      dport: num(udp['udp.dstport']),
      malformed: '_ws.malformed' in L || undefined,
      short: '_ws.short' in L || undefined,
      dhcp6: normalizeDhcp6(list(L.dhcpv6)[0] ?? {}),
    });
  });
}

/**
 * HTTP heads (UEFI HTTP boot, engineer K): every HTTP request/response tshark sees, with body
 * desegmentation off so a response is reported on the frame that carries its head (as ours is).
 * Kept apart from `frames`: pxe-doctor decodes HTTP only for boot-URL servers, so the comparison
 * (test/ipv6/tshark-http.test.ts) is per flow, not per capture.
 */
function httpHeads(file) {
  const fields = ['frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.content_length_header'];
  const out = execFileSync('tshark', ['-n', '-r', file, '-o', 'http.desegment_body:FALSE', '-Y', 'http.request || http.response', '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'separator=/t'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [frame, src4, src6, sport, dst4, dst6, dport, method, uri, code, length] = l.split('\t');
      return clean({
        frame: Number(frame),
        src: src4 || src6,
        sport: Number(sport),
        dst: dst4 || dst6,
        dport: Number(dport),
        method: method || undefined,
        target: uri || undefined,
        status: code ? Number(code) : undefined,
        contentLength: length ? Number(length) : undefined,
      });
    });
}

function goldenFor(file) {
  const json = execFileSync('tshark', ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys', '-Y', 'dhcp || tftp || icmp.type == 3'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
  const packets = JSON.parse(json || '[]');
  const frames = [];
  for (const p of packets) {
    const L = p._source.layers;
    const ip = list(L.ip)[0] ?? {};
    // TFTP over IPv6 (PXEv6 boot file URL tftp://[..]/..) has an ipv6 layer instead.
    const ip6 = list(L.ipv6)[0] ?? {};
    const udp = list(L.udp)[0] ?? {};
    const rec = {
      frame: Number(L.frame['frame.number']),
      time: Number(L.frame['frame.time_relative']),
      protocols: L.frame['frame.protocols'],
      src: ip['ip.src'] ?? ip6['ipv6.src'],
      sport: num(udp['udp.srcport']),
      dst: ip['ip.dst'] ?? ip6['ipv6.dst'],
      dport: num(udp['udp.dstport']),
      malformed: '_ws.malformed' in L || undefined,
      // The snap length cut the packet and tshark printed no fields past the cut.
      short: '_ws.short' in L || undefined,
    };
    // A layer tshark could not dissect at all is a plain string (its name), not an object.
    const layer = (v) => {
      const o = list(v)[0];
      return typeof o === 'object' && o !== null ? o : {};
    };
    // ICMP first: tshark also dissects the datagram quoted inside an unreachable (a refused RRQ
    // shows up as a `tftp` layer), but the frame is an ICMP message.
    if (L.icmp) {
      rec.icmp = normalizeIcmp(layer(L.icmp));
      rec.sport = 0;
      rec.dport = 0;
    } else if (L.dhcp) rec.dhcp = normalizeDhcp(layer(L.dhcp));
    else if (L.tftp) rec.tftp = normalizeTftp(layer(L.tftp), L);
    frames.push(clean(rec));
  }
  // DHCPv6 frames join the same list, in frame order.
  const v6 = dhcp6Frames(file);
  if (v6.length === 0) return frames;
  const seen = new Set(frames.map((f) => f.frame));
  return [...frames, ...v6.filter((f) => !seen.has(f.frame))].sort((a, b) => a.frame - b.frame);
}

const argv = process.argv.slice(2);
// --stdout FILE: print the golden JSON of one capture instead of writing it (used by live tests).
const toStdout = argv[0] === '--stdout';
const args = toStdout ? argv.slice(1) : argv;
if (toStdout) {
  if (args.length !== 1) {
    console.error('usage: golden-tshark.mjs --stdout CAPTURE');
    process.exit(2);
  }
  const f = resolve(args[0]);
  process.stdout.write(JSON.stringify({ capture: relative(root, f), frames: goldenFor(f) }) + '\n');
  process.exit(0);
}
const files = (args.length ? args : DEFAULT_DIRS).flatMap((a) => {
  const p = resolve(root, a);
  try {
    return statSync(p).isDirectory() ? walk(p) : [p];
  } catch {
    return [];
  }
});
const version = execFileSync('tshark', ['--version']).toString().split('\n')[0];
let written = 0;
for (const f of files) {
  const rel = relative(root, f);
  let frames;
  try {
    frames = goldenFor(f);
  } catch (e) {
    console.error(`skip ${rel}: tshark failed: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`);
    continue;
  }
  const out = goldenPath(rel);
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  rmSync(`${out}.gz`, { force: true });
    // One frame per line: compact, and diffs of a regenerated golden stay readable.
  const body = frames.map((f) => JSON.stringify(f)).join(',\n');
  let http = [];
  try {
    http = httpHeads(f);
  } catch {
    http = [];
  }
  const httpText = http.length > 0 ? `,"http":[\n${http.map((h) => JSON.stringify(h)).join(',\n')}\n]` : '';
  // The capture's hash lets the test tell "golden is stale" from "decoder disagrees".
  const sha256 = createHash('sha256').update(readFileSync(f)).digest('hex');
  const text = `{"capture":${JSON.stringify(rel)},"sha256":"${sha256}","tshark":${JSON.stringify(version)},"frames":[\n${body}\n]${httpText}}\n`;
  // Big goldens (the 10 000-frame flood) are stored gzipped to keep the repository small.
  if (text.length > GZIP_ABOVE) writeFileSync(`${out}.gz`, gzipSync(text, { level: 9 }));
  else writeFileSync(out, text);
  written++;
  console.log(`${rel}: ${frames.length} frames`);
}
console.log(`${written} golden files written under test/golden/`);
// A full run also removes goldens whose capture is gone (renamed or deleted fixtures).
if (args.length === 0) {
  const goldenFiles = (dir) =>
    readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? goldenFiles(p) : /\.json(\.gz)?$/.test(e) ? [p] : [];
    });
  for (const g of goldenFiles(join(root, 'test', 'golden'))) {
    const rel = relative(root, g).startsWith('test/golden/captures/')
      ? relative(root, g).replace(/\.json(\.gz)?$/, '')
      : relative(join(root, 'test', 'golden'), g).replace(/\.json(\.gz)?$/, '');
    if (!existsSync(join(root, rel))) {
      rmSync(g);
      console.log(`removed stale ${relative(root, g)}`);
    }
  }
}
