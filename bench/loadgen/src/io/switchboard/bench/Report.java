package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code Report RESULTS.tsv}: the side-by-side table in Markdown, from the lines bench/run.sh
 * collected ({@code server workload run metric value}). Each cell is the median of the runs with
 * the spread (min–max); a row whose workload counted errors in any run says FAIL.
 */
public final class Report {

    private Report() {
    }

    record Row(String workload, String metric, String label, boolean higherIsBetter) {
    }

    static final List<Row> MAIN = List.of(
            new Row("fanout", "deliveries_per_s", "fan-out into one room of 1,000: sustained deliveries/s", true),
            new Row("fanout", "deliveries_per_server_cpu_s", "same, per second of server CPU", true),
            new Row("fanout", "lat_p50_ms", "same, latency p50 at 20 messages/s (ms)", false),
            new Row("fanout", "lat_p99_ms", "same, latency p99 (ms)", false),
            new Row("fanout", "lat_p999_ms", "same, latency p99.9 (ms)", false),
            new Row("roundtrip", "rt_per_s", "round trips/s (100 connections × 16 app pings in flight)", true),
            new Row("roundtrip", "rt_per_server_cpu_s", "same, per second of server CPU", true),
            new Row("idle", "rss_per_conn_b", "10,000 idle connections: RSS per connection (bytes)", false),
            new Row("idle", "heap_per_conn_b", "same: heap in use per connection after a full GC (bytes)", false),
            new Row("idle", "idle_cpu_pct", "same: server CPU while idle, one app ping per connection every 20 s (% of a core)", false),
            new Row("handshake", "hs_per_s", "handshakes/s, 5,000 connections, 256 in flight", true),
            new Row("handshake", "hs_per_server_cpu_s", "same, per second of server CPU", true));

    static final List<Row> DETAIL = List.of(
            new Row("fanout", "tput_server_cpu_pct", "fan-out throughput phase: server CPU (% of a core)", false),
            new Row("fanout", "tput_server_wait_pct", "fan-out throughput phase: server threads waiting for a CPU (% of the time)", false),
            new Row("fanout", "tput_gen_cpu_pct", "fan-out throughput phase: generator CPU (% of a core)", false),
            new Row("fanout", "tput_gen_wait_pct", "fan-out throughput phase: generator threads waiting for a CPU (%)", false),
            new Row("roundtrip", "rt_server_cpu_pct", "round-trip phase: server CPU (% of a core)", false),
            new Row("roundtrip", "rt_server_wait_pct", "round-trip phase: server threads waiting for a CPU (%)", false),
            new Row("roundtrip", "rt_gen_cpu_pct", "round-trip phase: generator CPU (% of a core)", false),
            new Row("roundtrip", "rt_gen_wait_pct", "round-trip phase: generator threads waiting for a CPU (%)", false),
            new Row("idle", "idle_server_wait_pct", "idle phase: server threads waiting for a CPU (%)", false),
            new Row("handshake", "hs_server_cpu_pct", "handshake phase: server CPU (% of a core)", false),
            new Row("handshake", "hs_server_wait_pct", "handshake phase: server threads waiting for a CPU (%)", false),
            new Row("fanout", "lat_max_ms", "fan-out latency max (ms)", false),
            new Row("roundtrip", "rtt_p50_ms", "round trip p50, closed loop (ms)", false),
            new Row("roundtrip", "rtt_p99_ms", "round trip p99, closed loop (ms)", false),
            new Row("handshake", "hs_p50_ms", "handshake connect-to-welcome p50 (ms)", false),
            new Row("handshake", "hs_p99_ms", "handshake connect-to-welcome p99 (ms)", false));

    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("switchboard", "Switchboard");
        NAMES.put("node", "Node `ws`, same protocol");
        NAMES.put("tyrus", "plain Tyrus, minimal endpoint");
        NAMES.put("netty", "raw Netty");
        NAMES.put("payara", "Switchboard WAR on Payara Micro");
    }

    public static void main(String[] args) throws IOException {
        // server -> workload/metric -> values by run; server -> workload -> runs with errors
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> failed = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split("\t");
            if (f.length < 5) {
                continue;
            }
            String server = f[0];
            String workload = f[1];
            double v = Double.parseDouble(f[4]);
            values.computeIfAbsent(server, k -> new LinkedHashMap<>())
                    .computeIfAbsent(workload + "/" + f[3], k -> new ArrayList<>()).add(v);
            if (f[3].equals("errors")) {
                runs.computeIfAbsent(server, k -> new LinkedHashMap<>()).merge(workload, 1, Integer::sum);
                if (v > 0) {
                    failed.computeIfAbsent(server, k -> new LinkedHashMap<>()).merge(workload, 1, Integer::sum);
                }
            }
        }
        List<String> servers = new ArrayList<>();
        for (String s : NAMES.keySet()) {
            if (values.containsKey(s)) {
                servers.add(s);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(table(MAIN, servers, values, failed, runs, true));
        out.append("\nDetails (same runs):\n\n");
        out.append(table(DETAIL, servers, values, failed, runs, false));
        System.out.print(out);
    }

    private static String table(List<Row> rows, List<String> servers, Map<String, Map<String, List<Double>>> values,
            Map<String, Map<String, Integer>> failed, Map<String, Map<String, Integer>> runs, boolean ratio) {
        StringBuilder t = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String s : servers) {
            t.append(' ').append(NAMES.get(s)).append(" |");
            rule.append("---:|");
        }
        boolean withRatio = ratio && servers.contains("switchboard") && servers.contains("node");
        if (withRatio) {
            t.append(" Switchboard / Node |");
            rule.append("---:|");
        }
        t.append('\n').append(rule).append('\n');
        for (Row r : rows) {
            boolean any = false;
            for (String s : servers) {
                any |= values.getOrDefault(s, Map.of()).containsKey(r.workload + "/" + r.metric);
            }
            if (!any) {
                continue;
            }
            t.append("| ").append(r.label).append(" |");
            for (String s : servers) {
                List<Double> v = values.getOrDefault(s, Map.of()).get(r.workload + "/" + r.metric);
                int bad = failed.getOrDefault(s, Map.of()).getOrDefault(r.workload, 0);
                int n = runs.getOrDefault(s, Map.of()).getOrDefault(r.workload, 0);
                String cell = v == null || v.isEmpty() ? "–" : cell(v);
                if (bad > 0) {
                    cell = "**FAIL** (errors in " + bad + " of " + n + " runs) " + cell;
                }
                t.append(' ').append(cell).append(" |");
            }
            if (withRatio) {
                List<Double> a = values.get("switchboard").get(r.workload + "/" + r.metric);
                List<Double> b = values.get("node").get(r.workload + "/" + r.metric);
                String q = "–";
                if (a != null && b != null && median(b) != 0) {
                    q = String.format(Locale.ROOT, "%.2f×", median(a) / median(b));
                }
                t.append(' ').append(q).append(r.higherIsBetter ? " (higher is better)" : " (lower is better)").append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String cell(List<Double> v) {
        double min = v.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        double max = v.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        String m = num(median(v));
        return v.size() == 1 ? m : m + " (" + num(min) + "–" + num(max) + ")";
    }

    private static String num(double d) {
        if (Double.isNaN(d)) {
            return "n/a";
        }
        double a = Math.abs(d);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
