#!/usr/bin/env bash
# Top frames of a JFR recording: bench/jfr-top.sh FILE.jfr [N]. Counts execution samples (Java
# code) and native method samples (threads in a system call, such as a socket write) together:
#   self       the frame that was running;
#   ours       the innermost io.switchboard frame, i.e. which of our methods the time is spent under;
#   inclusive  every frame on the stack, each counted once per sample.
# A native sample whose top frame is a selector waiting in epoll is a thread with nothing to do, not
# CPU: it is counted apart ("waiting in select") and left out of every percentage.
set -euo pipefail
file=$1
n=${2:-25}
jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 96 "$file" | awk -v n="$n" '
  function flush() {
    if (!inev) return
    if (top ~ /EPollSelectorImpl\.doSelect/) { idle++; delete seen; top = ""; ours = ""; inev = 0; return }
    total++
    if (top != "") self[top]++
    if (ours != "") mine[ours]++
    for (f in seen) incl[f]++
    delete seen; top = ""; ours = ""; inev = 0
  }
  /^jdk\.(ExecutionSample|NativeMethodSample) / { flush(); inev = 1; kind = $1; kinds[kind]++; next }
  inev && /line:/ {
    f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f)
    if (top == "") top = f
    if (ours == "" && f ~ /^io\.switchboard\./) ours = f
    seen[f] = 1
  }
  END {
    flush()
    printf "%d samples (%d in Java code, %d in native code, of which %d waiting in select and left out)\n", total, kinds["jdk.ExecutionSample"], kinds["jdk.NativeMethodSample"], idle
    print "-- self"; for (f in self) printf "%6d %5.1f%% %s\n", self[f], 100 * self[f] / total, f | "sort -rn | head -" n; close("sort -rn | head -" n)
    print "-- ours (innermost io.switchboard frame)"; for (f in mine) printf "%6d %5.1f%% %s\n", mine[f], 100 * mine[f] / total, f | "sort -rn | head -" n; close("sort -rn | head -" n)
    print "-- inclusive"; for (f in incl) printf "%6d %5.1f%% %s\n", incl[f], 100 * incl[f] / total, f | "sort -rn | head -" (2 * n); close("sort -rn | head -" (2 * n))
  }'
