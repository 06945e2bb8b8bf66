#!/usr/bin/env bash
# Runs the uptime check benchmark (eu.runlater.bench.CheckBench): 1,000 HTTP monitors checked
# every 30 s on one node; prints the lateness of checks (p50/p95/p99), checks done and CPU.
#   bench/checks.sh                 # 1,000 monitors, 30 s, 3 minutes
#   bench/checks.sh --monitors 2000 --minutes 5
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
  -cp "bench/target/classes:$(cat bench/target/cp.txt)" eu.runlater.bench.CheckBench "$@"
