#!/usr/bin/env bash
# Switchboard against its peers, side by side, in one run (issue 11). Each server runs alone,
# pinned to core 0, the load generator pinned to core 1, on 127.0.0.1 only; a fresh server for
# every run of every workload. Prints the table and writes it to bench/results/<timestamp>.md.
#
#   bench/run.sh                       all servers, all workloads, medians of 3 runs (~45 min)
#   bench/run.sh --quick               1 run, smaller counts and shorter phases (5-10 min), to check the harness
#   bench/run.sh --servers switchboard,node --workloads fanout,roundtrip --runs 1
#   bench/run.sh --servers switchboard --workloads roundtrip,fanout --runs 1 --profile
#                                      JFR of Switchboard's measured phases; prints the top frames
#   bench/run.sh --servers switchboard --workloads fanout --store postgresql
#                                      Switchboard on another store (memory by default; embedded, postgresql)
#
# Servers: switchboard (the worktree's own sources, standalone), node (bench/node-peer, `ws`),
# tyrus (bench/tyrus-peer, a minimal @ServerEndpoint on plain Tyrus 2.1.5), netty (bench/netty-peer,
# raw Netty 4.1, frame-once broadcast), and, only when asked for, payara (the WAR on Payara Micro
# 6.2025.10 through payara-config/run-micro.sh, same raised limits). Workloads: fanout,
# roundtrip, idle, handshake (what each measures: bench/README.md). Every JVM runs with default
# flags, as a user would run it. Every process started here is stopped by its pid on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
command_line="bench/run.sh${*:+ $*}"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes in src/)')"

servers=switchboard,node,tyrus,netty
workloads=fanout,roundtrip,idle,handshake
runs=3
quick=()
profile=0
port=${PORT:-18181}
store=memory
gen_args=()
while (($#)); do
  case $1 in
    --quick) quick=(--quick); runs=1 ;;
    --servers) servers=$2; shift ;;
    --workloads) workloads=$2; shift ;;
    --runs) runs=$2; shift ;;
    --port) port=$2; shift ;;
    --profile) profile=1 ;;
    --gen) gen_args+=($2); shift ;; # extra generator options, e.g. --gen "--members 500"
    --store) store=$2; shift ;; # Switchboard's store: memory (default), embedded, postgresql
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# 10,000 idle connections need 10,000 descriptors in the generator and as many in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

out=bench/target
mkdir -p "$out/logs" "$out/jfr" bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)
tsv="$out/results-$stamp.tsv"
: >"$tsv"

echo "== build" >&2
mvn -q -B compile
mvn -q -B dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp=$(cat "$out/classpath.txt")
rm -rf "$out/loadgen" "$out/tyrus-peer"
javac -d "$out/loadgen" $(find bench/loadgen/src -name '*.java')
if [[ ,$servers, == *,tyrus,* ]]; then
  javac -cp "$cp" -d "$out/tyrus-peer" $(find bench/tyrus-peer/src -name '*.java')
fi
if [[ ,$servers, == *,payara,* ]]; then
  mvn -q -B package -DskipTests >/dev/null
fi
if [[ ,$servers, == *,netty,* ]]; then
  mvn -q -B -f bench/netty-peer/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
fi
if [[ ,$servers, == *,node,* ]]; then
  (cd bench/node-peer && npm ci --silent --no-audit --no-fund)
fi

. bench/lib.sh

# Limits raised for the benchmark only; the protocol is otherwise whole (guest identity).
case $store in
  memory) store_props=(-Dswitchboard.store=memory) ;;
  embedded) store_props=(-Dswitchboard.store=embedded "-Dswitchboard.store.path=$out/store-$stamp") ;;
  postgresql) # as .ci/postgresql.sh sets it up
    store_props=("-Dswitchboard.store.url=${SWITCHBOARD_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/switchboard_test}"
      "-Dswitchboard.store.user=${SWITCHBOARD_TEST_PG_USER:-switchboard}"
      "-Dswitchboard.store.password=${SWITCHBOARD_TEST_PG_PASSWORD:-switchboard}") ;;
  *) echo "unknown store $store" >&2; exit 2 ;;
esac
switchboard_props=("${store_props[@]}"
  -Dswitchboard.framesPerSecond=1000000 -Dswitchboard.frameBurst=1000000
  -Dswitchboard.maxConnections=100000 -Dswitchboard.maxConnectionsPerUser=100000
  -Dswitchboard.maxConnectionsPerAddress=100000
  -Dswitchboard.handshakesPerSecondPerAddress=1000000 -Dswitchboard.handshakeBurstPerAddress=1000000
  -Dswitchboard.handshakesPerSecondPerUser=1000000 -Dswitchboard.handshakeBurstPerUser=1000000
  -Dswitchboard.maxTrackedAddresses=100000 -Dswitchboard.maxChannels=100000
  -Dswitchboard.maxQueuedBytes=67108864)

server_pid=
server_kind=
server_base=
start_server() { # name log
  local name=$1 log=$2
  server_base=
  local ready=tcp
  case $name in
    switchboard)
      server_kind=jvm
      SWITCHBOARD_PORT=$port taskset -c 0 java -cp "target/classes:$cp" -Dswitchboard.host=127.0.0.1 \
        "${switchboard_props[@]}" io.switchboard.standalone.Main >"$log" 2>&1 &
      ;;
    payara)
      # run-micro.sh as documented (its default -Xmx512m kept), the same limits as system properties;
      # it execs java, so the pid is the server's.
      server_kind=jvm
      server_base=/switchboard
      ready=health
      PORT=$port RUN_DIR="$root/$out/payara-run" JAVA_OPTS="-Xmx512m ${switchboard_props[*]}" \
        taskset -c 0 payara-config/run-micro.sh >"$log" 2>&1 &
      ;;
    node)
      server_kind=node
      PORT=$port taskset -c 0 node --expose-gc bench/node-peer/server.js >"$log" 2>&1 &
      ;;
    tyrus)
      server_kind=jvm
      PORT=$port taskset -c 0 java -cp "$out/tyrus-peer:$cp" io.switchboard.bench.tyrus.PlainTyrus >"$log" 2>&1 &
      ;;
    netty)
      server_kind=jvm
      PORT=$port taskset -c 0 java -cp "bench/netty-peer/target/classes:$(cat bench/netty-peer/target/classpath.txt)" \
        io.switchboard.bench.netty.RawNetty >"$log" 2>&1 &
      ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  server_pid=$!
  started+=("$server_pid")
  if [[ $ready == health ]]; then
    await_ready "$port" "$server_pid" "$log" "http://127.0.0.1:$port$server_base/health"
  else
    await_ready "$port" "$server_pid" "$log"
  fi
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  local keep=() pid
  for pid in "${started[@]}"; do [[ $pid == "$server_pid" ]] || keep+=("$pid"); done
  started=("${keep[@]}")
}

IFS=, read -r -a server_list <<<"$servers"
IFS=, read -r -a workload_list <<<"$workloads"
# Runs outermost: each round measures every server once, so that load from other jobs on a shared
# machine spreads over all servers instead of landing on one.
for run in $(seq "$runs"); do
  for server in "${server_list[@]}"; do
    for workload in "${workload_list[@]}"; do
      log="$out/logs/$stamp-$server-$workload-$run"
      echo "== $server $workload run $run/$runs" >&2
      start_server "$server" "$log.server.log"
      jfr=()
      if ((profile)) && [[ $server_kind == jvm ]]; then
        jfr=(--jfr "$root/$out/jfr/$stamp-$server-$workload-$run.jfr")
      fi
      set +e
      taskset -c 1 java -cp "$out/loadgen" io.switchboard.bench.Main --workload "$workload" --port "$port" \
        --pid "$server_pid" --kind "$server_kind" --base "$server_base" "${quick[@]}" "${jfr[@]}" "${gen_args[@]}" \
        >"$log.gen.out" 2>"$log.gen.err" &
      gen=$!
      started+=("$gen")
      wait "$gen"
      rc=$?
      set -e
      started=("${started[@]/$gen}")
      grep '^RESULT' "$log.gen.out" | sed "s/^RESULT/$server\t$workload\t$run/" | tee -a "$tsv" | cut -f4- | paste -sd' ' >&2 || true
      if ! grep -q $'^RESULT\terrors' "$log.gen.out"; then
        printf '%s\t%s\t%s\terrors\t1\n' "$server" "$workload" "$run" >>"$tsv"
      fi
      if ((rc != 0)); then
        echo "   errors (exit $rc); first lines of $log.gen.err:" >&2
        head -5 "$log.gen.err" >&2
      fi
      stop_server
    done
  done
done

md="bench/results/$stamp${quick:+-quick}.md"
{
  echo "# Switchboard benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`$command_line\` → servers \`$servers\`, workloads \`$workloads\`, $runs run(s) each${quick:+, quick mode}."
  echo "Commit: \`$commit\`."
  echo "Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
    "$(java -version 2>&1 | head -1); node $(node --version 2>/dev/null || echo n/a)."
  echo "Each server pinned to core 0 (\`taskset -c 0\`), the generator to core 1; cells are medians with (min–max)."
  if ((${#quick[@]})); then
    echo "Quick mode: smaller counts (idle 2,000, handshakes 1,000) and shorter phases than the labels say; for checking the harness, not for quoting."
  fi
  echo
  java -cp "$out/loadgen" io.switchboard.bench.Report "$tsv"
} >"$md"
cat "$md"
echo "Written to $md (raw figures: $tsv)" >&2

if ((profile)); then
  for f in "$out"/jfr/"$stamp"-*.jfr; do
    [[ -f $f ]] || continue
    echo
    echo "== $(basename "$f")"
    bench/jfr-top.sh "$f" 25
  done | tee "bench/results/$stamp${quick:+-quick}-profile.txt"
fi
