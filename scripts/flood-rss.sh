#!/usr/bin/env bash
# serve's memory under a DISCOVER flood (not a test; root; run `npm run build` first):
#
#   sudo bash scripts/flood-rss.sh [ROUNDS=3] [COUNT=100000] [RATE=5000] [CLI=bin/pxe-doctor.js] [-- serve options]
#
# serve (proxy mode, or what the extra options say) in namespace pxs-flrss<pid>-srv (192.0.2.2);
# ROUNDS floods of COUNT PXE DISCOVERs from random MACs at RATE a second (scripts/flood-dhcp.mjs)
# from pxs-flrss<pid>-cli (192.0.2.3). Prints serve's RSS / peak RSS and CPU seconds before and
# after each round, then the first lines of its closing summary. CLI may name another build (e.g.
# an older tree's bin/pxe-doctor.js) to compare. serve is stopped by its PID; both namespaces are
# deleted on exit.
set -u
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=${1:-3}; COUNT=${2:-100000}; RATE=${3:-5000}; CLI=${4:-$REPO/bin/pxe-doctor.js}
shift $(( $# < 4 ? $# : 4 )); [ "${1:-}" = "--" ] && shift
[ "$(id -u)" = 0 ] || { echo "flood-rss: needs root (network namespaces)" >&2; exit 2; }
S=pxs-flrss$$-srv; C=pxs-flrss$$-cli
D=$(mktemp -d /tmp/pxs-flrss-XXXX); mkdir "$D/root"; cp /usr/lib/PXELINUX/pxelinux.0 "$D/root/"
SP=
cleanup() {
  if [ -n "$SP" ]; then kill "$SP" 2>/dev/null; wait "$SP" 2>/dev/null; fi
  ip netns del "$S" 2>/dev/null; ip netns del "$C" 2>/dev/null; rm -rf "$D"
}
trap cleanup EXIT
ip netns add "$S"; ip netns add "$C"
ip -n "$S" link set lo up; ip -n "$C" link set lo up
ip -n "$S" link add eth0 type veth peer name eth0 netns "$C"
ip -n "$S" addr add 192.0.2.2/24 dev eth0; ip -n "$C" addr add 192.0.2.3/24 dev eth0
ip -n "$S" link set eth0 up; ip -n "$C" link set eth0 up
# The flood goes to 255.255.255.255: that needs a route out of eth0.
ip -n "$C" route add default dev eth0
ip netns exec "$S" node "$CLI" serve --interface eth0 --tftp-root "$D/root" --boot bios=pxelinux.0 --exit-after 3600 "$@" >"$D/serve.log" 2>&1 &
SP=$!
for _ in $(seq 50); do grep -q "serving on" "$D/serve.log" && break; sleep 0.2; done
grep -q "serving on" "$D/serve.log" || { cat "$D/serve.log" >&2; exit 1; }
rss() { awk '/VmRSS/{r=$2/1024} /VmHWM/{h=$2/1024} END{printf "RSS %.0f MB (peak %.0f MB)", r, h}' "/proc/$SP/status"; }
cpu() { awk '{printf "%.1f", ($14+$15)/100}' "/proc/$SP/stat"; }
sleep 1
echo "idle: $(rss), cpu $(cpu) s"
for r in $(seq "$ROUNDS"); do
  F=$(ip netns exec "$C" node "$REPO/scripts/flood-dhcp.mjs" --count "$COUNT" --rate "$RATE" --wait 2 --prefix "02:$(printf %02x "$r")")
  echo "after $((r * COUNT)) MACs: $(rss), cpu $(cpu) s; flood $F"
done
kill -INT "$SP"; wait "$SP"; SP=
grep -A1 "^summary" "$D/serve.log" | cut -c1-200
