#!/bin/bash
# Runs pxe-doctor on every capture in fixtures/captures inside a real terminal (tmux) of each width
# given (default 80 120 200) and counts the lines wider than the terminal (none expected):
#   bash scripts/check-terminal-fit.sh 80 120 200
#   EXTRA=--diagram bash scripts/check-terminal-fit.sh 80 120
# Needs tmux and a built CLI (npm run build). docs/analyze.md, "Text report".
set -u
cd "$(dirname "$0")/.."
widths=("$@"); [ ${#widths[@]} -eq 0 ] && widths=(80 120 200)
session=pxe-fit-$$
out=$(mktemp -d)
status=0
for w in "${widths[@]}"; do
  tmux new-session -d -s "$session" -x "$w" -y 50
  tmux set-option -t "$session" history-limit 200000 >/dev/null
  bad=0; n=0
  for f in fixtures/captures/*.pcap*; do
    n=$((n + 1))
    tmux send-keys -t "$session" "clear; tmux clear-history -t $session; LANG=C.UTF-8 NO_COLOR=1 node bin/pxe-doctor.js $f ${EXTRA:-}; echo __DONE__" Enter
    for _ in $(seq 1 150); do sleep 0.2; tmux capture-pane -t "$session" -p -S - -J | grep -q '^__DONE__' && break; done
    # -J joins the lines the terminal wrapped: a joined line wider than the pane is a line that did not fit.
    tmux capture-pane -t "$session" -p -S - -J > "$out/$w-$(basename "$f").txt"
    long=$(python3 -c 'import sys; w=int(sys.argv[1]); print(sum(1 for l in open(sys.argv[2], encoding="utf-8") if len(l.rstrip("\n")) > w))' "$w" "$out/$w-$(basename "$f").txt")
    if [ "$long" != 0 ]; then bad=$((bad + 1)); echo "$w columns: $f: $long lines wider than the terminal"; fi
  done
  tmux kill-session -t "$session"
  echo "$w columns: $n captures, $bad with lines wider than the terminal (screens in $out)"
  [ "$bad" != 0 ] && status=1
done
exit $status
