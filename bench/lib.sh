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
