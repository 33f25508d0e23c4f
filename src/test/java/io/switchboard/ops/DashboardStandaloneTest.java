package io.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.standalone.RunningServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard ({@code ops/grafana/switchboard.json}) is valid JSON and every metric its
 * queries name is one a live server exports; so is the Prometheus example's job.
 */
class DashboardStandaloneTest {

    static final Path DASHBOARD = Path.of("ops/grafana/switchboard.json");
    /** PromQL words that look like metric names but are not. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and",
            "or", "unless", "bool", "offset", "inf", "nan");
    static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    static final Pattern TOKEN = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyQueryOfTheDashboardNamesOnlyMetricsTheServerExports() throws IOException {
        JsonObject dashboard;
        try (Reader reader = Files.newBufferedReader(DASHBOARD); var json = Json.createReader(reader)) {
            dashboard = json.readObject();
        }
        assertEquals("Switchboard", dashboard.getString("title"));
        List<String> queries = new ArrayList<>();
        collect(dashboard, queries);
        assertTrue(queries.size() >= 15, "the dashboard's queries: " + queries);

        Set<String> used = new TreeSet<>();
        queries.forEach(query -> used.addAll(metricNames(query)));
        assertTrue(used.containsAll(Set.of("switchboard_connections", "switchboard_frames_received_total",
                "switchboard_frames_sent_total", "switchboard_closes_total", "switchboard_published_total",
                "switchboard_publish_seconds_bucket", "switchboard_fanout_seconds_bucket",
                "switchboard_queue_overflows_total")), "section 10's metrics are all on the dashboard: " + used);

        try (RunningServer server = RunningServer.start()) {
            var answer = server.get("/metrics", Map.of());
            assertEquals(200, answer.statusCode());
            Set<String> exported = Scrape.parse(answer.body()).names();
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "metrics the dashboard asks for but the server does not export");
        }
    }

    @Test
    void theTokenizerFindsMetricsAndNothingElse() {
        assertEquals(Set.of("switchboard_fanout_seconds_bucket"), metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(switchboard_fanout_seconds_bucket{instance=~\"$instance\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b"), metricNames("sum by (code) (rate(a_total{x=\"y,z\"}[5m])) / on (code) b > 0"));
        assertEquals(Set.of("switchboard_connections"), metricNames("label_values(switchboard_connections, instance)"));
    }

    @Test
    void thePrometheusExampleScrapesTheMetricsPath() throws IOException {
        String config = Files.readString(Path.of("ops/prometheus.yml"));
        assertTrue(config.contains("metrics_path: /metrics"), config);
        assertTrue(config.contains("metrics_path: /switchboard/metrics"), "the WAR's job: " + config);
        assertFalse(config.contains("\t"), "YAML takes no tabs");
    }

    /** Every {@code expr} of a panel target, and every templating query. */
    private static void collect(JsonValue value, List<String> queries) {
        if (value instanceof JsonObject object) {
            object.forEach((key, child) -> {
                if ((key.equals("expr") || key.equals("definition")) && child instanceof JsonString s) {
                    queries.add(s.getString());
                } else {
                    collect(child, queries);
                }
            });
        } else if (value instanceof JsonArray array) {
            array.forEach(child -> collect(child, queries));
        }
    }

    /**
     * The metric names in a PromQL expression: identifiers that are not functions (followed by
     * {@code (}), label names (inside {@code {…}}, {@code by (…)}, {@code on (…)}), durations, strings
     * or keywords.
     */
    static Set<String> metricNames(String query) {
        String q = STRING.matcher(query).replaceAll("\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        // label_values(metric, label): the second argument is a label.
        q = q.replaceAll("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)", " $1 ");
        Set<String> names = new TreeSet<>();
        Matcher m = TOKEN.matcher(q);
        while (m.find()) {
            String token = m.group();
            int after = m.end();
            while (after < q.length() && q.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < q.length() && q.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(q.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(token.toLowerCase(java.util.Locale.ROOT))) {
                names.add(token);
            }
        }
        return names;
    }
}
