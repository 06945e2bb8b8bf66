#!/usr/bin/env bash
# Runs the alert storm benchmark (eu.runlater.bench.AlertBench): 1,000 jobs failing at the same
# second, two webhook channels; prints messages per channel and p50/p99 from each failure to the
# alert that told it arriving. Builds with `package` (no install) and runs on the reactor's jars:
#   bench/alerts.sh                 # 1,000 jobs
#   bench/alerts.sh --jobs 5000
# SKIP_BUILD=1 reuses the last build. Results go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ "${SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -pl bench -am package \
    org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
    -Dmdep.outputFile=target/cp.txt -DskipTests -Dspotless.check.skip=true
fi
exec "$JAVA_HOME/bin/java" -Xms1g -Xmx1g ${JAVA_OPTS:-} \
  -cp "bench/target/classes:$(cat bench/target/cp.txt)" eu.runlater.bench.AlertBench "$@"
