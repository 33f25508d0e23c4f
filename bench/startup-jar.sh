#!/usr/bin/env bash
# Startup of the distribution against the README's run command (issue 12): from process start to
# GET /health answering 200, RUNS times each (default 5), alternating, with each run and the median.
#   jar:   java -jar target/switchboard-standalone.jar   (built by mvn package; built here if missing)
#   maven: mvn -q compile exec:java                       (the README's command, classes already compiled)
# Loopback only, port 18083 unless PORT is set; every server is stopped by its own pid.
# (bench/startup.sh measures the class-path and Maven starts; this file only adds the jar.)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
port=${PORT:-18083}
jar=target/switchboard-standalone.jar
[[ -f $jar ]] || mvn -q -B package -DskipTests
mvn -q -B compile

pid=
stop() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  pid=
}
trap stop EXIT

measure() { # command...
  local start end
  start=$(date +%s%N)
  SWITCHBOARD_PORT=$port SWITCHBOARD_STORE=memory "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/health"; do
    sleep 0.02
    kill -0 "$pid" 2>/dev/null || { echo "the server exited before /health answered" >&2; exit 1; }
    if (( ($(date +%s%N) - start) > 120000000000 )); then echo "no /health within 120 s" >&2; exit 1; fi
  done
  end=$(date +%s%N)
  stop
  sleep 0.3
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

jar_runs=()
maven_runs=()
for _ in $(seq "$runs"); do
  jar_runs+=("$(measure java -jar "$jar")")
  maven_runs+=("$(measure mvn -q -B compile exec:java)")
done
printf '%-6s runs (ms): %s  median: %s ms\n' jar "${jar_runs[*]}" "$(printf '%s\n' "${jar_runs[@]}" | median)"
printf '%-6s runs (ms): %s  median: %s ms\n' maven "${maven_runs[*]}" "$(printf '%s\n' "${maven_runs[@]}" | median)"
