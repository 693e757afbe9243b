#!/usr/bin/env bash
# Regenerate test/capture/golden/*.json: what tshark reads in each fixture that the pcap-parser
# oracle cannot read (pcapng, nanosecond pcap). Per frame: epoch time as tshark prints it,
# captured length, original length, pcapng interface id, and the SHA-1 of the captured bytes
# (taken from tshark's own hex dump, so the bytes are tshark's view, not ours).
# Usage: scripts/golden-capture.sh [fixture ...]   (default: every such file in fixtures/public)
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/capture/golden
mkdir -p "$out"

if [ $# -eq 0 ]; then
  set --
  while IFS= read -r f; do
    # pcapng (0a0d0d0a) or nanosecond pcap (a1b23c4d, either byte order)
    magic=$(head -c4 "$f" | od -An -tx1 | tr -d ' \n')
    case "$magic" in 0a0d0d0a|4d3cb2a1|a1b23c4d) set -- "$@" "$f" ;; esac
  done < <(find fixtures/public -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
fi

version=$(tshark --version 2>/dev/null | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
  name=$(echo "${f#fixtures/public/}" | tr '/' '_')
  tshark -r "$f" -T fields -e frame.number -e frame.time_epoch -e frame.cap_len -e frame.len -e frame.interface_id >"$tmp/fields" 2>/dev/null
  # With every dissector off, -x prints exactly one hex dump (the frame) per packet.
  tshark -r "$f" -x -q --disable-protocol ALL >"$tmp/hex" 2>/dev/null
  TMP="$tmp" FILE="$f" VERSION="$version" node -e '
    const crypto = require("crypto");
    const fs = require("fs");
    const hexText = fs.readFileSync(process.env.TMP + "/hex", "utf8");
    const fieldsText = fs.readFileSync(process.env.TMP + "/fields", "utf8");
    const dumps = [];
    let cur = [];
    for (const line of hexText.split("\n")) {
      const m = /^([0-9a-f]{4,})  /.exec(line);
      if (!m) { if (cur.length) { dumps.push(Buffer.from(cur.join(""), "hex")); cur = []; } continue; }
      // Fixed-width hex column: 16 bytes x 3 chars after the offset and two spaces.
      cur.push(line.slice(m[1].length + 2, m[1].length + 2 + 48).replace(/ /g, ""));
    }
    if (cur.length) dumps.push(Buffer.from(cur.join(""), "hex"));
    const frames = fieldsText.split("\n").filter(Boolean).map((l, i) => {
      const [n, epoch, caplen, len, ifid] = l.split("\t");
      const bytes = dumps[i];
      if (!bytes || bytes.length !== Number(caplen)) throw new Error(`${process.env.FILE}: frame ${n}: hex dump has ${bytes?.length} bytes, cap_len ${caplen}`);
      return [epoch, Number(caplen), Number(len), ifid ? Number(ifid) : 0, crypto.createHash("sha1").update(bytes).digest("hex")];
    });
    if (frames.length !== dumps.length) throw new Error(`${process.env.FILE}: ${frames.length} frames but ${dumps.length} hex dumps`);
    const doc = { file: process.env.FILE, generatedBy: process.env.VERSION, columns: ["time_epoch", "cap_len", "len", "interface_id", "sha1"], frames };
    process.stdout.write(JSON.stringify(doc, null, 0).replace(/\],\[/g, "],\n[") + "\n");
  ' > "$out/$name.json"
  echo "$out/$name.json: $(grep -oE '"[0-9a-f]{40}"' "$out/$name.json" | wc -l) frames"
done
