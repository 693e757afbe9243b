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
 * The golden file for fixtures/a/b.pcap is test/golden/fixtures/a/b.pcap.json. Captures tshark
 * cannot read are skipped with a message. Field names follow `pxe-doctor decode --json` so the
 * test compares like with like; values are tshark's, converted only in form (hex "0x1a" -> number,
 * "aa:bb" hex -> "aabb"), never in meaning. Known differences in meaning are handled in the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Captures compared by default: the public ones, the lab's, and the decoder's own (fragments). */
const DEFAULT_DIRS = ['fixtures/public', 'fixtures/captures', 'test/golden/captures'];
const CAPTURE_EXT = /\.(pcap|pcapng|cap|snoop|pcap\.gz|pcapng\.gz)$/i;

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
    options.push(clean({ code, length: num(tree['dhcp.option.length']), value: hex(tree['dhcp.option.value']) }));
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
    const udp = list(L.udp)[0] ?? {};
    const rec = {
      frame: Number(L.frame['frame.number']),
      time: Number(L.frame['frame.time_relative']),
      protocols: L.frame['frame.protocols'],
      src: ip['ip.src'],
      sport: num(udp['udp.srcport']),
      dst: ip['ip.dst'],
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
  return frames;
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
  const out = join(root, 'test', 'golden', `${rel}.json`);
  mkdirSync(dirname(out), { recursive: true });
    // One frame per line: compact, and diffs of a regenerated golden stay readable.
  const body = frames.map((f) => JSON.stringify(f)).join(',\n');
  writeFileSync(out, `{"capture":${JSON.stringify(rel)},"tshark":${JSON.stringify(version)},"frames":[\n${body}\n]}\n`);
  written++;
  console.log(`${rel}: ${frames.length} frames`);
}
console.log(`${written} golden files written under test/golden/`);
