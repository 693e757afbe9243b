#!/usr/bin/env node
/**
 * DHCP codec micro-benchmark (not a test): decodeDhcp alone, on real payloads.
 *
 *   npx tsc -p . && node scripts/bench-dhcp.mjs [--repeat 5] [--codec path/to/codec.js]
 *                    [--against path/to/other/codec.js] [--dump FILE]
 *                    [--no-bench-capture] [--bench-capture FILE] [CAPTURE...]
 *
 * Collects the UDP payloads on ports 67/68/4011 (IPv4, unfragmented) of the given captures, by
 * default every capture in fixtures/public and fixtures/captures plus the 10 000-client bench
 * capture (/tmp/pxe-bench/bench-1G-10000c.pcap, made by `npm run bench`) when it exists. Reading
 * the captures is not timed. Then decodes each set REPEAT times and prints CPU µs per message
 * (median and best of the repeats) and messages per CPU second.
 *
 * --codec times another build of the codec (e.g. a copy of an older dist/). --against times a
 * second build in the same process, its passes interleaved with the first one's so that a busy
 * machine slows both alike, and prints the ratio.
 * --dump writes one JSON line per decoded payload (fixture payloads first, then the bench
 * capture's), Uint8Array data as {hex}, keys in the object's own order: two dumps are
 * byte-identical exactly when the decoders returned the same messages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const files = [];
let repeat = 5;
let codecPath = path.join(repo, 'dist/decode/dhcp/codec.js');
let againstPath;
let dumpPath;
let benchCapture = '/tmp/pxe-bench/bench-1G-10000c.pcap';
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) die(`${a} needs a value`);
    return v;
  };
  if (a === '--repeat') repeat = Number(value());
  else if (a === '--codec') codecPath = path.resolve(value());
  else if (a === '--against') againstPath = path.resolve(value());
  else if (a === '--dump') dumpPath = value();
  else if (a === '--bench-capture') benchCapture = value();
  else if (a === '--no-bench-capture') benchCapture = undefined;
  else if (a.startsWith('--')) die(`unknown option ${a}`);
  else files.push(a);
}
if (!Number.isInteger(repeat) || repeat < 1) die('--repeat needs a positive integer');

function die(msg) {
  console.error(`bench-dhcp: ${msg}`);
  process.exit(2);
}

async function load(file) {
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    die(`cannot load ${file} (${e.code ?? e.message}); build first: npx tsc -p .`);
  }
}
const { readCapture } = await load(path.join(repo, 'dist/capture/open.js'));
const { decodeDhcp } = await load(codecPath);
const against = againstPath ? (await load(againstPath)).decodeDhcp : undefined;

function fixtureCaptures() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(path.join(repo, 'fixtures/public'));
  walk(path.join(repo, 'fixtures/captures'));
  return out.sort();
}

/** Offset of the IP header for the link types the fixtures use, or -1. */
function ipOffset(linkType, b, start, end) {
  const u16 = (p) => (p + 1 < end ? (b[p] << 8) | b[p + 1] : -1);
  switch (linkType) {
    case 1: {
      let p = start + 12;
      let type = u16(p);
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        p += 4;
        type = u16(p);
      }
      return type === 0x0800 ? p + 2 : -1;
    }
    case 113:
      return u16(start + 14) === 0x0800 ? start + 16 : -1;
    case 276:
      return u16(start) === 0x0800 ? start + 20 : -1;
    case 101:
    case 228:
    case 12:
    case 14:
      return start;
    case 0:
      return start + 4;
    default:
      return -1;
  }
}

const DHCP_PORTS = new Set([67, 68, 4011]);

/** [payloadStart, payloadEnd) of an unfragmented IPv4/UDP datagram on a DHCP port, or null. */
function dhcpPayload(linkType, b, start, end) {
  const ip = ipOffset(linkType, b, start, end);
  if (ip < 0 || ip + 20 > end || b[ip] >> 4 !== 4 || b[ip + 9] !== 17) return null;
  if (((b[ip + 6] << 8) | b[ip + 7]) & 0x3fff) return null; // a fragment (MF set or offset > 0)
  const udp = ip + (b[ip] & 0x0f) * 4;
  if (udp + 8 > end) return null;
  const sport = (b[udp] << 8) | b[udp + 1];
  const dport = (b[udp + 2] << 8) | b[udp + 3];
  if (!DHCP_PORTS.has(sport) && !DHCP_PORTS.has(dport)) return null;
  const udpEnd = Math.min(end, udp + ((b[udp + 4] << 8) | b[udp + 5]));
  return udpEnd > udp + 8 ? [udp + 8, udpEnd] : null;
}

async function collect(list) {
  const payloads = [];
  for (const file of list) {
    try {
      await readCapture(file, {
        select: (data, start, end, linkType) => dhcpPayload(linkType, data, start, end) !== null,
        frame(f) {
          const span = dhcpPayload(f.linkType, f.data, 0, f.data.length);
          if (span) payloads.push(f.data.slice(span[0], span[1]));
        },
      });
    } catch (e) {
      console.error(`bench-dhcp: skipped ${path.relative(repo, file)}: ${e.message}`);
    }
  }
  return packed(payloads);
}

/**
 * The payloads as views into one buffer, one after another, as the capture reader's buffer holds
 * them (separate copies scattered over the heap would make the timing a measure of cache misses).
 */
function packed(payloads) {
  const all = new Uint8Array(payloads.reduce((s, p) => s + p.length, 0));
  const views = [];
  let at = 0;
  for (const p of payloads) {
    all.set(p, at);
    views.push(all.subarray(at, at + p.length));
    at += p.length;
  }
  return views;
}

/**
 * One pass of `decode` over every payload: CPU µs per message (user + system time of this process,
 * garbage collection included). On a shared machine CPU time is steadier than wall time.
 */
function pass(decode, payloads) {
  // A small set is gone through several times: CPU time is counted in whole microseconds.
  const rounds = Math.ceil(20000 / payloads.length);
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < payloads.length; i++) sink += decode(payloads[i]).options.length;
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink); // keeps the results alive
  return (c.user + c.system) / (rounds * payloads.length);
}

function stats(perPass) {
  perPass.sort((a, b) => a - b);
  return { median: perPass[Math.floor(perPass.length / 2)], best: perPass[0] };
}

function line(name, count, avgBytes, t) {
  return (
    `${name.padEnd(16)} ${String(count).padStart(7)} messages (${avgBytes.toFixed(0)} B avg): ` +
    `${t.median.toFixed(3)} µs/message median, ${t.best.toFixed(3)} best of ${repeat}, ` +
    `${(1e3 / t.median).toFixed(0)} k messages per CPU second`
  );
}

function report(name, payloads) {
  if (payloads.length === 0) return;
  const avgBytes = payloads.reduce((s, p) => s + p.length, 0) / payloads.length;
  pass(decodeDhcp, payloads); // warm-up
  if (against) pass(against, payloads);
  const mine = [];
  const theirs = [];
  for (let r = 0; r < repeat; r++) {
    mine.push(pass(decodeDhcp, payloads));
    if (against) theirs.push(pass(against, payloads));
  }
  const t = stats(mine);
  console.log(line(name, payloads.length, avgBytes, t));
  if (against) {
    const o = stats(theirs);
    console.log(line(`  --against`, payloads.length, avgBytes, o));
    console.log(`  ratio (against / codec): ${(o.median / t.median).toFixed(2)}x median, ${(o.best / t.best).toFixed(2)}x best`);
  }
}

function dump(out, payloads) {
  const replacer = (_key, v) => (v instanceof Uint8Array ? { hex: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') } : v);
  for (const p of payloads) fs.writeSync(out, JSON.stringify(decodeDhcp(p), replacer) + '\n');
}

const fixtureSet = await collect(files.length > 0 ? files : fixtureCaptures());
const benchSet = files.length === 0 && benchCapture && fs.existsSync(benchCapture) ? await collect([benchCapture]) : [];
console.log(`codec: ${codecPath}${againstPath ? `, against: ${againstPath}` : ''}`);
report(files.length > 0 ? 'captures' : 'fixtures', fixtureSet);
report('bench capture', benchSet);
if (dumpPath) {
  const out = fs.openSync(dumpPath, 'w');
  dump(out, fixtureSet);
  dump(out, benchSet);
  fs.closeSync(out);
  console.log(`wrote ${fixtureSet.length + benchSet.length} decoded messages to ${dumpPath}`);
}
