# Shared by the bench scripts: every process a script starts goes into `started`, and `cleanup`
# stops them by pid (TERM, up to 10 s, then KILL), on exit or on request. Never by name.
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  started=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# await_ready PORT PID LOG [URL]: waits until PORT takes connections (or URL answers 2xx), at most
# 180 s; exits with LOG's tail if the process PID ends first or time runs out.
await_ready() {
  local port=$1 pid=$2 log=$3 url=${4:-} t=0
  until if [[ -n $url ]]; then curl -sf -o /dev/null "$url"
        else (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; fi; do
    sleep 0.1
    t=$((t + 1))
    if ((t > 1800)) || ! kill -0 "$pid" 2>/dev/null; then
      echo "the server on port $port did not start; see $log" >&2
      tail -20 "$log" >&2
      exit 1
    fi
  done
}
