#!/usr/bin/env bash
# The fault battery of issue 17 (eu.runlater.bench.reliability.Battery): Runlater server processes
# (the packaged jar) on one PostgreSQL 18, work through the public API, faults injected, and the
# books settled against a sink that records every delivery. Results: docs/reliability.md.
#   bench/reliability.sh                      # R1..R9 at full size (about an hour and a half)
#   bench/reliability.sh R1 R5 R7             # some scenarios
#   bench/reliability.sh --scale 0.1 R1 R2    # a smoke run: sizes and durations x 0.1 (minutes)
#   bench/reliability.sh --rate 200 R2        # offered load of the scenarios under load (items/s)
# Options: --scale F, --rate N, --heap 512m (each node's -Xmx), --jar PATH, --dir PATH.
# NODE_OPTS adds JVM options to every node; SKIP_BUILD=1 reuses the last build. The nodes start as
# ./run starts them (the extracted jar with its start-up cache) when the build made the cache.
# Each scenario's nodes' logs are in <dir>/<scenario>/ (dir: bench/target/reliability); R4 also
# writes diagnostics.txt there (its duplicated and unfinished items, node rows, fencing metrics).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ "${SKIP_BUILD:-}" != "1" ] || [ ! -f bench/target/classpath.txt ]; then
  # Built in this tree's reactor (nothing installed): the server's exec jar, the bench's classes
  # and the bench's classpath (written last, by the bench module).
  # With the start-up cache (profile aot-cache), so that nodes start as ./run starts them.
  ./mvnw -q -B -o -DskipTests -Paot-cache -pl bench -am package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
fi
# A private snapshot of the classes and the server jar, so a build started meanwhile cannot
# change them under a running battery. Snapshots of finished runs are removed.
for old in bench/target/reliability-runs/*; do
  if [ -d "$old" ] && ! kill -0 "$(basename "$old")" 2>/dev/null; then rm -rf "$old"; fi
done
SNAP="bench/target/reliability-runs/$$"
mkdir -p "$SNAP/lib"
cp -r bench/target/classes "$SNAP/classes"
cp server/target/runlater-server-exec.jar "$SNAP/runlater-server-exec.jar"
JAR="$SNAP/runlater-server-exec.jar"
if [ -f server/target/app/runlater.aot ] && [ server/target/app/runlater.aot -nt server/target/runlater-server-exec.jar ]; then
  # The extracted jar and its cache, as ./run uses them (modification times kept: the cache
  # checks them); the nodes then start from it (Node).
  mkdir -p "$SNAP/server/target"
  cp -a server/target/app "$SNAP/server/target/app"
  rm -rf "$SNAP/server/target/app/postgres-template"
  JAR="$SNAP/server/target/app/runlater-server-exec.jar"
fi
cp -r server/target/classes "$SNAP/server-classes"
cp -r engine/target/classes "$SNAP/engine-classes"
CP="$SNAP/classes:$SNAP/server-classes:$SNAP/engine-classes"
while IFS= read -r jar || [ -n "$jar" ]; do
  case "$jar" in
    "$PWD"/*|*/eu/runlater/*) ;;  # the reactor's own classes, snapshotted above
    *) CP="$CP:$jar" ;;
  esac
done < <(tr ':' '\n' < bench/target/classpath.txt)
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx1g ${JAVA_OPTS:-} -cp "$CP" eu.runlater.bench.reliability.Battery \
  --jar "$JAR" "$@"
