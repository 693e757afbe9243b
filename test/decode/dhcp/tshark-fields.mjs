#!/usr/bin/env node
// tshark's view of the DHCP and TFTP frames in the fixture captures, for the codec differential
// tests. Run as a script to regenerate the golden files (so CI can compare without tshark):
//   node test/decode/dhcp/tshark-fields.mjs
// Golden format: { tshark, captures: { "<path under fixtures/>": { sha256, frames: { "<frame>": { "<field>": ["value", ...] } } } } }.
// The tests use a capture's golden entry while its sha256 matches, and ask tshark directly otherwise.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const fixturesDir = join(here, '../../../fixtures');
export const goldenPaths = {
  dhcp: join(here, 'golden/tshark-dhcp.json'),
  tftp: join(here, '../tftp/golden/tshark-tftp.json'),
};
/** At most this many frames per capture and protocol: keeps the golden files small. */
export const MAX_FRAMES = 150;

const DHCP_FIELDS = [
  'udp.srcport', 'udp.dstport', 'icmp.type',
  'dhcp.type', 'dhcp.hw.type', 'dhcp.hw.len', 'dhcp.hops', 'dhcp.id', 'dhcp.secs', 'dhcp.flags',
  'dhcp.ip.client', 'dhcp.ip.your', 'dhcp.ip.server', 'dhcp.ip.relay', 'dhcp.hw.mac_addr',
  'dhcp.server', 'dhcp.file', 'dhcp.cookie', 'dhcp.option.type',
  'dhcp.option.dhcp', 'dhcp.option.vendor_class_id', 'dhcp.option.client_system_architecture',
  'dhcp.option.tftp_server_name', 'dhcp.option.bootfile_name', 'dhcp.option.dhcp_server_id',
  'dhcp.option.requested_ip_address', 'dhcp.option.ip_address_lease_time', 'dhcp.option.option_overload',
  'dhcp.option.dhcp_max_message_size', 'dhcp.option.hostname', 'dhcp.option.domain_name',
  'dhcp.option.subnet_mask', 'dhcp.option.router', 'dhcp.option.domain_name_server',
  'dhcp.option.tftp_server_address', 'dhcp.option.user_class.text', 'dhcp.client_id.uuid',
  'dhcp.option.vendor.pxeclient.discovery_control', 'dhcp.option.vendor.pxeclient.boot_servers.type',
  'dhcp.option.vendor.pxeclient.boot_servers.ip', 'dhcp.option.vendor.pxeclient.boot_menu.type',
  'dhcp.option.vendor.pxeclient.boot_menu.desc', 'dhcp.option.vendor.pxeclient.menu_prompt.timeout',
  'dhcp.option.vendor.pxeclient.menu_prompt.prompt', 'dhcp.option.vendor.pxeclient.boot_item.type',
  'dhcp.option.agent_information_option.agent_circuit_id', 'dhcp.option.agent_information_option.agent_remote_id',
  'dhcp.option.agent_information_option.subscriber_id', 'dhcp.option.agent_information_option.link_selection',
  '_ws.malformed', '_ws.expert.message',
];
const TFTP_FIELDS = [
  'udp.srcport', 'udp.dstport', 'icmp.type',
  'tftp.opcode', 'tftp.source_file', 'tftp.destination_file', 'tftp.type', 'tftp.block',
  'tftp.error.code', 'tftp.error.message', 'tftp.option.name', 'tftp.option.value', '_ws.malformed',
];

export function captureFiles(dir = fixturesDir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return captureFiles(p);
      return /\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name) ? [p] : [];
    })
    .sort();
}

export function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function tsharkAvailable() {
  return spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** tshark's fields for the first MAX_FRAMES frames matching `proto` ('dhcp' | 'tftp'). */
export function runTshark(file, proto) {
  const fields = proto === 'dhcp' ? DHCP_FIELDS : TFTP_FIELDS;
  const args = ['-n', '-r', file, '-Y', proto, '-T', 'json', '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])];
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw r.error;
  const frames = {};
  let n = 0;
  for (const pkt of JSON.parse(r.stdout || '[]')) {
    const layers = pkt._source.layers;
    const frame = layers['frame.number'][0];
    delete layers['frame.number'];
    frames[frame] = layers;
    if (++n >= MAX_FRAMES) break;
  }
  return frames;
}

/**
 * tshark's frames for one capture: from the golden file when it was made from these exact bytes,
 * else from tshark now; null when neither is possible (no tshark here).
 */
export function tsharkFrames(file, proto, golden = loadGolden(proto)) {
  const entry = golden.captures[relative(fixturesDir, file)];
  if (entry && entry.sha256 === sha256(file)) return entry.frames;
  return tsharkAvailable() ? runTshark(file, proto) : null;
}

const goldenCache = {};
export function loadGolden(proto) {
  if (!goldenCache[proto]) {
    try {
      goldenCache[proto] = JSON.parse(readFileSync(goldenPaths[proto], 'utf8'));
    } catch {
      goldenCache[proto] = { captures: {} };
    }
  }
  return goldenCache[proto];
}

function regenerate() {
  const version = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  for (const proto of ['dhcp', 'tftp']) {
    const captures = {};
    for (const file of captureFiles()) {
      const frames = runTshark(file, proto);
      if (Object.keys(frames).length) captures[relative(fixturesDir, file)] = { sha256: sha256(file), frames };
    }
    writeFileSync(goldenPaths[proto], JSON.stringify({ tshark: version, captures }) + '\n');
    console.log(`${proto}: ${Object.keys(captures).length} captures`);
  }
  console.log(version);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) regenerate();
