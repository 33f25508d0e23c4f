#!/usr/bin/env bash
# The fan-out workload of the benchmark harness against the standalone server with metrics on and
# off (switchboard.metrics=true/false), alternating, RUNS rounds (default 3): what counting costs on
# the hot path (issue 12). Server pinned to core 0, generator to core 1, 127.0.0.1 only; each server
# is stopped by its pid. Prints every run and the medians per mode.
#
#   bench/fanout-metrics.sh                 3 rounds, the generator's full fan-out (1,000 members)
#   RUNS=5 bench/fanout-metrics.sh --quick  extra arguments go to the generator
#
# The generator is bench/loadgen (the harness of bench/run.sh); LOADGEN_SRC points elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
port=${PORT:-18182}
src=${LOADGEN_SRC:-bench/loadgen/src}
out=bench/target/fanout-metrics
mkdir -p "$out"
[[ -d $src ]] || { echo "no load generator at $src (set LOADGEN_SRC)" >&2; exit 2; }

mvn -q -B compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp=$(cat "$out/classpath.txt")
rm -rf "$out/loadgen"
javac -d "$out/loadgen" $(find "$src" -name '*.java')
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

server=
cleanup() {
  if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  server=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tsv="$out/results-$(date -u +%Y%m%d-%H%M%S).tsv"
: >"$tsv"
for round in $(seq "$runs"); do
  for mode in true false; do
    log="$out/server-$mode-$round.log"
    # The benchmark's limits (bench/run.sh), so the generator's 1,000 connections and rate are admitted; a
    # longer request deadline, since on a loaded machine 256 handshakes in flight can take over 10 s.
    SWITCHBOARD_PORT=$port taskset -c 0 java -cp "target/classes:$cp" \
      -Dswitchboard.host=127.0.0.1 -Dswitchboard.store=memory -Dswitchboard.metrics=$mode \
      -Dswitchboard.framesPerSecond=1000000 -Dswitchboard.frameBurst=1000000 \
      -Dswitchboard.maxConnections=100000 -Dswitchboard.maxConnectionsPerUser=100000 \
      -Dswitchboard.maxConnectionsPerAddress=100000 \
      -Dswitchboard.handshakesPerSecondPerAddress=1000000 -Dswitchboard.handshakeBurstPerAddress=1000000 \
      -Dswitchboard.handshakesPerSecondPerUser=1000000 -Dswitchboard.handshakeBurstPerUser=1000000 \
      -Dswitchboard.maxTrackedAddresses=100000 -Dswitchboard.maxChannels=100000 \
      -Dswitchboard.maxQueuedBytes=67108864 -Dswitchboard.requestTimeoutMs=120000 \
      io.switchboard.standalone.Main >"$log" 2>&1 &
    server=$!
    for i in $(seq 600); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      kill -0 "$server" 2>/dev/null || { echo "server did not start; see $log" >&2; exit 1; }
      sleep 0.1
    done
    echo "== metrics=$mode round $round/$runs" >&2
    taskset -c 1 java -cp "$out/loadgen" io.switchboard.bench.Main --workload fanout --port "$port" \
      --pid "$server" --kind jvm "$@" >"$out/gen-$mode-$round.out" 2>"$out/gen-$mode-$round.err" || true
    grep '^RESULT' "$out/gen-$mode-$round.out" | sed "s/^RESULT/$mode\t$round/" | tee -a "$tsv" | cut -f3- | paste -sd' ' >&2
    cleanup
  done
done

echo
printf '%-30s %14s %14s\n' "figure (median of $runs)" "metrics on" "metrics off"
for figure in deliveries_per_s deliveries_per_server_cpu_s lat_p50_ms lat_p99_ms lat_p999_ms errors; do
  on=$(awk -F'\t' -v f="$figure" '$1=="true" && $3==f {print $4}' "$tsv" | sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}')
  off=$(awk -F'\t' -v f="$figure" '$1=="false" && $3==f {print $4}' "$tsv" | sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}')
  printf '%-30s %14s %14s\n' "$figure" "$on" "$off"
done
echo "raw: $tsv" >&2
