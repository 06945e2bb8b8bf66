#!/usr/bin/env bash
# Start-to-ready of the server jar: from process launch until GET /health answers 200.
# "fresh" starts on an empty data directory (PostgreSQL binaries unpacked, initdb, migrations,
# first-start bootstrap); "restart" starts again on the same directory.
# Usage: bench/startup.sh [runs]   (build first: ./mvnw -q -DskipTests -pl server -am package)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR=server/target/runlater-server-exec.jar
PORT=${PORT:-18181}

measure() {
  local dir=$1 start end pid
  start=$(date +%s%N)
  RUNLATER_DATA_DIR=$dir PORT=$PORT "$JAVA" -jar "$JAR" >"$dir.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do sleep 0.02; done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

fresh=(); restart=()
for i in $(seq 1 "$RUNS"); do
  dir=$(mktemp -d /tmp/runlater-startup.XXXX)
  fresh+=("$(measure "$dir")")
  restart+=("$(measure "$dir")")
  rm -rf "$dir" "$dir.log"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "fresh start-to-ready ms:   ${fresh[*]}  (median $(median "${fresh[@]}"))"
echo "restart start-to-ready ms: ${restart[*]}  (median $(median "${restart[@]}"))"
