#!/usr/bin/env bash
# Runs the status page benchmark (eu.runlater.bench.StatusPageBench): one public status page of
# 20 components and five incidents, fetched by closed-loop clients; prints requests/s, latency
# percentiles, CPU and the database transactions each phase cost. Builds with `package` (no
# install) and runs on the reactor's jars:
#   bench/status.sh                       # 32 clients, 20 s per phase
#   bench/status.sh --clients 64 --seconds 30
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
  -cp "bench/target/classes:$(cat bench/target/cp.txt)" eu.runlater.bench.StatusPageBench "$@"
