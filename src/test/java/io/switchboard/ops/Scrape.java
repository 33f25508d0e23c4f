package io.switchboard.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text-format scrape (version 0.0.4): each family's type, and every sample
 * with its labels. Strict enough to fail on a malformed line.
 */
public final class Scrape {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Scrape(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split("\\s+");
                types.put(parts[0], parts[1]);
            } else if (!line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a Prometheus sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null && !m.group(3).isEmpty()) {
                    Matcher l = LABEL.matcher(m.group(3));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    if (end != m.group(3).length()) {
                        throw new AssertionError("malformed labels: " + line);
                    }
                }
                samples.add(new Sample(m.group(1), labels, number(m.group(4))));
            }
        }
    }

    public static Scrape parse(String text) {
        return new Scrape(text);
    }

    private static double number(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }

    /**
     * The declared type of the family that {@code sample} belongs to: a counter's {@code _total} and
     * a histogram's {@code _bucket}, {@code _count}, {@code _sum} are looked up by their base name too.
     */
    public String type(String family) {
        String type = types.get(family);
        if (type == null && family.endsWith("_total")) {
            type = types.get(family.substring(0, family.length() - 6));
        }
        return type;
    }

    /** The value of the one sample named {@code name} with exactly these labels; fails when there is none. */
    public double value(String name, String... labelPairs) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (Sample sample : samples) {
            if (sample.name().equals(name) && sample.labels().equals(wanted)) {
                return sample.value();
            }
        }
        throw new AssertionError("no sample " + name + wanted + " in the scrape; samples named so: " + samplesNamed(name));
    }

    public List<Sample> samplesNamed(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Every sample name, and every family name a sample name derives from. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(types.keySet());
        samples.forEach(s -> names.add(s.name()));
        return names;
    }
}
