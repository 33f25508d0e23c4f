#!/usr/bin/env bash
# CPU cost of fan-out with metrics on and off (issue 12), in the server's own code and no sockets:
# bench/fanout-cost/src/.../FanoutCost.java, one room of 1,000 members, one sender, the calling
# thread's CPU time per delivered frame. A fresh JVM per run, modes alternating, RUNS rounds
# (default 5); prints every run and the medians. Unlike bench/fanout-metrics.sh (the socket
# benchmark), other jobs on a shared machine barely move it: they make the thread wait, which CPU
# time does not count.
#   bench/fanout-cost.sh [members] [says]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
out=bench/target/fanout-cost
mkdir -p "$out"
mvn -q -B compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp="target/classes:$(cat "$out/classpath.txt")"
rm -rf "$out/classes"
javac -cp "$cp" -d "$out/classes" $(find bench/fanout-cost/src -name '*.java')
tsv="$out/results-$(date -u +%Y%m%d-%H%M%S).tsv"
: >"$tsv"
for round in $(seq "$runs"); do
  for mode in true false; do
    java -cp "$cp:$out/classes" -Djava.util.logging.config.file=/dev/null io.switchboard.transport.FanoutCost "$mode" "$@" \
      2>/dev/null | grep '^RESULT' | sed "s/^RESULT/$mode\t$round/" | tee -a "$tsv" | cut -f3- | paste -sd' ' \
      | sed "s/^/metrics=$mode round $round: /" >&2
  done
done
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}'; }
printf '%-26s %12s %12s\n' "median of $runs" "metrics on" "metrics off"
for figure in ns_per_delivery deliveries_per_cpu_s; do
  printf '%-26s %12s %12s\n' "$figure" \
    "$(awk -F'\t' -v f="$figure" '$1=="true" && $3==f {print $4}' "$tsv" | median)" \
    "$(awk -F'\t' -v f="$figure" '$1=="false" && $3==f {print $4}' "$tsv" | median)"
done
echo "raw: $tsv" >&2
