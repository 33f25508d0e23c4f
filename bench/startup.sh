#!/usr/bin/env bash
# Measures how long the standalone server takes from process start to GET /health answering 200,
# N times, and prints each run and the median. Two ways: the README's run command (Maven included)
# and the JVM alone on the compiled classes. Loopback only; port 18080 unless PORT is set.
#
# Each server runs in a process group of its own (setsid), and is stopped through that group: the
# script stops exactly what it started (the JVM, and any child it may have), never processes found
# by name.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
port=${PORT:-18080}
mvn -q -B compile
cp=$(mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=/dev/stdout)

server=""  # the process group of the server running now, if any

stop_server() { # stops the group started last: SIGTERM (the server closes its connections), then SIGKILL after 10 s
  [ -n "$server" ] || return 0
  kill -TERM -- "-$server" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 -- "-$server" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

measure() { # command...; runs in a subshell ($(...)), so it sets its own trap
  local start end
  trap stop_server EXIT
  trap 'exit 130' INT TERM
  start=$(date +%s%N)
  # setsid makes the server the leader of a new process group whose id is its pid ($!).
  SWITCHBOARD_PORT=$port setsid "$@" >/dev/null 2>&1 &
  server=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    sleep 0.02
    if (( ($(date +%s%N) - start) > 60000000000 )); then echo "no /health within 60 s" >&2; exit 1; fi
    kill -0 "$server" 2>/dev/null || { echo "the server exited before answering /health" >&2; exit 1; }
  done
  end=$(date +%s%N)
  stop_server
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
