#!/usr/bin/env bash
# Builds everything and runs the delivery benchmark (eu.runlater.bench.DeliveryBench) with the
# bench module's classpath. Arguments go to the program, e.g.:
#   bench/run.sh                                          # all delivery phases, 3 runs (~45 min)
#   bench/run.sh --phases runlater --runs 1 --jfr /tmp/rl.jfr
#   bench/run.sh --phases runlater --runs 1 --diagnose    # pg_stat_statements + auto_explain
#     BENCH_EXPLAIN_MS=5 BENCH_EXPLAIN_ANALYZE=on bench/run.sh … --diagnose  # plans over 5 ms, with rows and buffers
#     BENCH_SYNCHRONOUS_COMMIT=off bench/run.sh …           # a diagnosis only: commits not waiting for their WAL flush
#   bench/run.sh --phases http,runlater,dbscheduler --busy-ok  # others keep the machine busy: measure once each
#   bench/run.sh --phases cron --cron-cases a --runs 3    # cron benchmark (CronBench), ~15 min
#   bench/run.sh --phases dashboard --runs 3 --no-warmup  # dashboard page latencies (DashboardBench), ~10 min
#   bench/run.sh --phases alerts --runs 3 --no-warmup     # what 100 flapping jobs cost the engine (AlertFlapBench), ~5 min
#   bench/run.sh --phases idle --runs 3 --diagnose        # an idle node with 1,000 hourly cron jobs (IdleBench), ~4 min
#   bench/run.sh --phases pending --runs 1                # the e2e drain with 10,000,000 tasks due later (~15 min a run, ~10 GB of disk)
#   bench/run.sh --phases writes --runs 3                 # single push and job create against GET /health in the
#                                                         # same run, 50 threads each (issue 18 target 3), ~4 min
#   bench/run.sh --phases fresh --runs 3                  # a fresh node's first minute: the server jar started on an
#                                                         # existing database, pushes then job creates from ready,
#                                                         # with the AOT cache (build -Paot-cache) and without (FreshBench), ~6 min a run
#   bench/run.sh --phases queue-outside --runs 3 --tasks 20000  # one queue through the API, the server jar as its own
#                                                         # process, parallelism 50 and 1,000, against db-scheduler
#                                                         # lock-and-fetch in the same run (OutsideQueueBench), ~6 min
# JAVA_OPTS adds JVM options; SKIP_BUILD=1 reuses the last build. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ "${SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -DskipTests install
fi
./mvnw -q -B -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
# Run from a private snapshot of the bench's classes and of the installed Runlater jars (the
# server's main artifact is its plain jar; the executable one has the classifier "exec"), so a
# build or an install started meanwhile cannot change classes under the running benchmark.
# Snapshots of earlier invocations whose process is gone are removed.
for old in bench/target/runs/*; do
  if [ -d "$old" ] && ! kill -0 "$(basename "$old")" 2>/dev/null; then rm -rf "$old"; fi
done
SNAP="bench/target/runs/$$"
mkdir -p "$SNAP/lib"
cp -r bench/target/classes "$SNAP/classes"
CP="$SNAP/classes"
while IFS= read -r jar || [ -n "$jar" ]; do
  case "$jar" in
    */eu/runlater/*)
      # This checkout's own build of the jar, when there is one, rather than the installed copy: a
      # build in another checkout (a second worktree) installs over the same local repository.
      # (The server's jar is named without its version: server/pom.xml's finalName.)
      name=$(basename "$jar")
      case "$name" in
        runlater-engine-*) own=engine/target/$name ;;
        runlater-server-*) own=server/target/runlater-server.jar ;;
        *) own= ;;
      esac
      if [ -n "$own" ] && [ -f "$own" ]; then jar=$own; fi
      cp "$jar" "$SNAP/lib/$name" && CP="$CP:$SNAP/lib/$name" ;;
    *) CP="$CP:$jar" ;;
  esac
done < <(tr ':' '\n' < bench/target/classpath.txt)
echo "Classpath snapshot: $SNAP ($(cd "$SNAP/lib" && sha1sum ./*.jar | cut -c1-12 | paste -sd' ' -))"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xms2g -Xmx2g ${JAVA_OPTS:-} -cp "$CP" eu.runlater.bench.DeliveryBench "$@"
