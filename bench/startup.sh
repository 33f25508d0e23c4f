#!/usr/bin/env bash
# Measures how long the standalone server takes from process start to GET /health answering 200,
# N times, and prints each run and the median. Two ways: the README's run command (Maven included)
# and the JVM alone on the compiled classes. Loopback only; port 18080 unless PORT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
port=${PORT:-18080}
mvn -q -B compile
cp=$(mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=/dev/stdout)

measure() { # command...
  local start end pid
  start=$(date +%s%N)
  SWITCHBOARD_PORT=$port "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    sleep 0.02
    if (( ($(date +%s%N) - start) > 60000000000 )); then echo "no /health within 60 s" >&2; kill $pid; exit 1; fi
  done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  pkill -f "io.switchboard.standalone.Main" 2>/dev/null || true
  sleep 0.3
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

for label in jvm maven; do
  results=()
  for _ in $(seq "$runs"); do
    if [ "$label" = jvm ]; then
      results+=("$(measure java -cp "target/classes:$cp" io.switchboard.standalone.Main)")
    else
      results+=("$(measure mvn -q -B exec:java)")
    fi
  done
  printf '%-6s runs (ms): %s  median: %s ms\n' "$label" "${results[*]}" "$(printf '%s\n' "${results[@]}" | median)"
done
