#!/usr/bin/env bash
# Runs the heartbeat benchmark (eu.runlater.bench.HeartbeatBench): 10,000 heartbeat monitors
# pinging every minute on one node, a tenth going silent; prints the ping ingest rate, p50/p99 from
# "due + grace" to down and to the down alert at a webhook, and CPU. Builds with `package` (no
# install) and runs on the reactor's jars:
#   bench/heartbeats.sh                 # 10,000 monitors, 3 minutes
#   bench/heartbeats.sh --monitors 2000 --minutes 2
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
  -cp "bench/target/classes:$(cat bench/target/cp.txt)" eu.runlater.bench.HeartbeatBench "$@"
