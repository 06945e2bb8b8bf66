#!/usr/bin/env bash
# Builds everything and runs the delivery benchmark (eu.runlater.bench.DeliveryBench) with the
# bench module's classpath. Arguments go to the program, e.g.:
#   bench/run.sh                                          # all phases, 3 runs (30-45 minutes)
#   bench/run.sh --phases runlater --runs 1 --jfr /tmp/rl.jfr
#   bench/run.sh --phases runlater --runs 1 --diagnose    # pg_stat_statements + auto_explain
# JAVA_OPTS adds JVM options; SKIP_BUILD=1 reuses the last build. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ "${SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -DskipTests install
fi
./mvnw -q -B -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
# The server's installed artifact is its executable (repackaged) jar, whose classes sit under
# BOOT-INF/ where a plain classpath cannot see them: use a snapshot of its compiled classes
# instead, so a build started meanwhile cannot change them under the running benchmark.
rm -rf bench/target/server-classes
cp -r server/target/classes bench/target/server-classes
CP=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/runlater-server-[^/]*\.jar$' | paste -sd: -)
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xms2g -Xmx2g ${JAVA_OPTS:-} \
  -cp "bench/target/classes:bench/target/server-classes:$CP" \
  eu.runlater.bench.DeliveryBench "$@"
