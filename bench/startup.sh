#!/usr/bin/env bash
# Start-to-ready of ./run: from process launch until GET /health answers 200.
# "fresh" starts on an empty data directory (PostgreSQL binaries unpacked, initdb, migrations,
# first-start bootstrap); "restart" starts again on the same directory. Each run starts ./run as
# an operator does (the start-up cache when it is there; RUNLATER_AOT=off measures without it).
# BUSY=N keeps N CPU burners (busy loops) running during the measured starts, e.g. BUSY=2 on two
# cores: "a node starts while two others are busy".
# Usage: bench/startup.sh [runs]   (builds first if ./run would)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
PORT=${PORT:-18181}
BUSY=${BUSY:-0}

# Builds now if needed, so that no measured start includes a build; shows what runs.
echo "command: $(RUNLATER_RUN_PRINT=1 ./run)"
echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg), busy loops: $BUSY"

burners=()
stop_burners() {
  for b in ${burners[@]+"${burners[@]}"}; do kill "$b" 2>/dev/null || true; done
}
trap stop_burners EXIT
for _ in $(seq 1 "$BUSY"); do
  bash -c 'while :; do :; done' &
  burners+=($!)
done

# The wait for ready starts no process: a curl and a sleep every 20 ms cost 28 ms of CPU per
# probe here (about half a core of two, taken from the start being measured). Bash's own
# /dev/tcp asks GET /health; a read with a timeout on a FIFO nobody writes is the pause.
pause_fifo=$(mktemp -u /tmp/runlater-startup-pause.XXXX)
mkfifo "$pause_fifo"
exec 9<>"$pause_fifo"
rm -f "$pause_fifo"
healthy() {
  local status=""
  { exec 8<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&8
  read -r -t 5 status <&8 || true
  exec 8<&-
  [[ $status == "HTTP/1."?" 200"* ]]
}

measure() {
  local dir=$1 start end pid
  start=$(date +%s%N)
  RUNLATER_DATA_DIR=$dir PORT=$PORT ./run >"$dir.log" 2>&1 &
  pid=$!
  until healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server exited; its output:" >&2
      cat "$dir.log" >&2
      exit 1
    fi
    read -r -t 0.02 -u 9 || true
  done
  end=$(date +%s%N)
  # CPU the JVM used until then (user + system), beside the wall time.
  read -r -a stat < "/proc/$pid/stat"
  cpu=$(( (stat[13] + stat[14]) * 1000 / $(getconf CLK_TCK) ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (end - start) / 1000000 ))/$cpu"
}

fresh=(); restart=()
for _ in $(seq 1 "$RUNS"); do
  dir=$(mktemp -d /tmp/runlater-startup.XXXX)
  fresh+=("$(measure "$dir")")
  restart+=("$(measure "$dir")")
  rm -rf "$dir" "$dir.log"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
  local name=$1; shift
  local walls=() cpus=()
  for r in "$@"; do walls+=("${r%/*}"); cpus+=("${r#*/}"); done
  echo "$name start-to-ready ms: ${walls[*]}  (median $(median "${walls[@]}"));" \
       "JVM CPU ms until ready: ${cpus[*]}  (median $(median "${cpus[@]}"))"
}
report "fresh  " "${fresh[@]}"
report "restart" "${restart[@]}"
