#!/usr/bin/env bash
# Say→ack latency (p50, p99) and sustained acknowledged messages/s of the standalone server on the
# memory store, the embedded default (H2) and PostgreSQL, side by side in one run (docs/storage.md).
# 8 senders in one room, then 100 rooms with one sender each: first a closed loop (32 says in
# flight per sender) for the most the server acknowledges, then an open loop at half that rate for
# the latencies. Server and clients share this JVM and loopback. Needs PostgreSQL as
# .ci/postgresql.sh sets it up (SWITCHBOARD_TEST_PG_URL/USER/PASSWORD as for the tests).
#   bench/store-bench.sh [memory|embedded|postgresql ...]
# BENCH_RUN_MS (default 8000) and BENCH_WARM_MS (3000) set the measuring and warm-up times.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile 2>/dev/null || mvn -q -B test-compile
cp=$(mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -Xmx1g -Djava.util.logging.config.file=/dev/null \
  -Dbench.runMs="${BENCH_RUN_MS:-8000}" -Dbench.warmMs="${BENCH_WARM_MS:-3000}" \
  -cp "target/test-classes:target/classes:$cp" io.switchboard.store.StoreBench "$@"
