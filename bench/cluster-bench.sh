#!/usr/bin/env bash
# What a cluster costs (issue 10, protocol section 9): fan-out into one room of 1,000 members, on
# one standalone node against the same room with its members spread over three clustered nodes
# (embedded Hazelcast on loopback, memory store, the sender on the first node), side by side in one
# run. Deliveries/s, deliveries per second of server CPU (all nodes' CPU summed), and latency at 20
# messages/s (each message carries its scheduled send time: no coordinated omission). The servers
# run on core 0, the generator (bench/loadgen) on core 1; medians of the runs with (min–max).
#
#   bench/cluster-bench.sh            3 runs of each (~6 min)
#   bench/cluster-bench.sh --runs 1 --quick
#
# Every process started here is stopped by its pid on exit; 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
quick=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift ;;
    --quick) quick=(--quick) ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

out=bench/target
mkdir -p "$out/logs" bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)
tsv="$out/cluster-$stamp.tsv"
: >"$tsv"
echo "== build" >&2
mvn -q -B compile
mvn -q -B dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp=$(cat "$out/classpath.txt")
rm -rf "$out/loadgen"
javac -d "$out/loadgen" $(find bench/loadgen/src -name '*.java')

. bench/lib.sh

props=(-Dswitchboard.host=127.0.0.1 -Dswitchboard.store=memory
  -Dswitchboard.framesPerSecond=1000000 -Dswitchboard.frameBurst=1000000
  -Dswitchboard.maxConnections=100000 -Dswitchboard.maxConnectionsPerUser=100000
  -Dswitchboard.maxConnectionsPerAddress=100000
  -Dswitchboard.handshakesPerSecondPerAddress=1000000 -Dswitchboard.handshakeBurstPerAddress=1000000
  -Dswitchboard.handshakesPerSecondPerUser=1000000 -Dswitchboard.handshakeBurstPerUser=1000000
  -Dswitchboard.maxTrackedAddresses=100000 -Dswitchboard.maxQueuedBytes=67108864)
http_ports=(18281 18282 18283)
cluster_ports=(18291 18292 18293)
members="127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}"


# Until a member on every node sees the probes of all three in its welcome: the cluster has formed.
await_cluster() {
  local t=0
  until java -cp "$out/loadgen" io.switchboard.bench.Main --workload probe-cluster --ports "$(IFS=,; echo "${http_ports[*]}")" \
      >/dev/null 2>&1; do
    sleep 0.5
    t=$((t + 1))
    if ((t > 120)); then echo "the cluster did not form" >&2; exit 1; fi
  done
}

for run in $(seq "$runs"); do
  for shape in single cluster; do
    log="$out/logs/cluster-$stamp-$shape-$run"
    echo "== $shape run $run/$runs" >&2
    pids=()
    if [[ $shape == single ]]; then
      SWITCHBOARD_PORT=${http_ports[0]} taskset -c 0 java -cp "target/classes:$cp" "${props[@]}" \
        io.switchboard.standalone.Main >"$log.node0.log" 2>&1 &
      pids+=($!)
      started+=($!)
      await_ready "${http_ports[0]}" "${pids[0]}" "$log.node0.log"
      ports=${http_ports[0]}
    else
      for i in 0 1 2; do
        SWITCHBOARD_PORT=${http_ports[$i]} taskset -c 0 java -cp "target/classes:$cp" "${props[@]}" \
          -Dswitchboard.cluster=hazelcast -Dswitchboard.cluster.members="$members" \
          -Dswitchboard.cluster.port="${cluster_ports[$i]}" -Dswitchboard.cluster.name="bench-$stamp-$run" \
          io.switchboard.standalone.Main >"$log.node$i.log" 2>&1 &
        pids+=($!)
        started+=($!)
      done
      for i in 0 1 2; do await_ready "${http_ports[$i]}" "${pids[$i]}" "$log.node$i.log"; done
      await_cluster
      ports="${http_ports[0]},${http_ports[1]},${http_ports[2]}"
    fi
    more=$(IFS=,; echo "${pids[*]:1}")
    set +e
    taskset -c 1 java -cp "$out/loadgen" io.switchboard.bench.Main --workload fanout --port "${http_ports[0]}" \
      --ports "$ports" --pid "${pids[0]}" ${more:+--pids "$more"} --kind jvm "${quick[@]}" \
      >"$log.gen.out" 2>"$log.gen.err"
    rc=$?
    set -e
    grep '^RESULT' "$log.gen.out" | sed "s/^RESULT/$shape\t$run/" | tee -a "$tsv" | cut -f3- | paste -sd' ' >&2 || true
    if ((rc != 0)); then
      echo "   errors (exit $rc):" >&2
      head -5 "$log.gen.err" >&2
    fi
    cleanup
  done
done

md="bench/results/cluster-$stamp.md"
{
  echo "# Cluster fan-out, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`bench/cluster-bench.sh --runs $runs${quick:+ --quick}\`; commit \`$(git rev-parse --short HEAD)\`."
  echo "Machine: $(nproc) cores, $(java -version 2>&1 | head -1). Servers on core 0 (the three nodes share it), generator on core 1."
  echo "One room of 1,000 members (spread round-robin over the nodes), member 0 on the first node says; medians of $runs with (min–max)."
  echo
  echo "| figure | 1 node | 3 nodes | 3 nodes / 1 node |"
  echo "|---|---:|---:|---:|"
  for key in deliveries_per_s deliveries_per_server_cpu_s lat_p50_ms lat_p99_ms lat_p999_ms errors; do
    awk -F'\t' -v k="$key" '
      $3 == k { v[$1] = v[$1] " " $4 }
      function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; lo = a[1]; hi = a[n]; return n }
      END {
        if (!("single" in v) && !("cluster" in v)) exit
        med(v["single"]); s = m; sl = lo; sh = hi
        med(v["cluster"]); c = m; cl = lo; ch = hi
        printf "| %s | %.4g (%.4g–%.4g) | %.4g (%.4g–%.4g) | %s |\n", k, s, sl, sh, c, cl, ch, (s > 0 ? sprintf("%.2f×", c / s) : "–")
      }' "$tsv"
  done
} >"$md"
cat "$md"
echo "Written to $md (raw figures: $tsv)" >&2
