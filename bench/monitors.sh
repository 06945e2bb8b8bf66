#!/usr/bin/env bash
# Runs the monitors benchmark (eu.runlater.bench.MonitorsBench): 10,000 heartbeat monitors pinging
# every minute (a tenth going silent) and 1,000 HTTP uptime checks every 30 s together on one node,
# three runs on fresh databases; prints per run and as medians the ping ingest rate and answer
# times, p99 from "due + grace" to down and to the down alert at a webhook, check lateness and CPU.
# Builds with `package` (no install) and runs on the reactor's jars:
#   bench/monitors.sh                                # both loads, 3 minutes of pinging, 3 runs
#   bench/monitors.sh --checks 0 --runs 1            # heartbeats alone
#   bench/monitors.sh --heartbeats 0 --minutes 5     # uptime checks alone
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
  -cp "bench/target/classes:$(cat bench/target/cp.txt)" eu.runlater.bench.MonitorsBench "$@"
