package io.switchboard.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs; every count and duration has a full and a {@code --quick} default. */
final class Options {

    final Map<String, String> values = new HashMap<>();
    final boolean quick;
    final int port;
    final String workload;
    /** The server's pid, for its memory and CPU; 0 when not known. */
    final long pid;
    /** {@code jvm}, {@code node} or {@code other}: how to read the server's heap. */
    final String kind;
    /** The application's base path: "" standalone, "/switchboard" for the WAR under its context root. */
    final String base;
    /** The servers' ports ({@code --ports a,b,c}: the nodes of a cluster); connection i goes to {@code ports[i % n]}. */
    final int[] ports;
    /** The other nodes' pids ({@code --pids}), whose CPU counts with the server's. */
    final long[] morePids;

    Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                values.put("quick", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                values.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        quick = values.containsKey("quick");
        port = Integer.parseInt(values.getOrDefault("port", "18181"));
        workload = values.getOrDefault("workload", "fanout");
        pid = Long.parseLong(values.getOrDefault("pid", "0"));
        kind = values.getOrDefault("kind", "other");
        base = values.getOrDefault("base", "");
        ports = java.util.Arrays.stream(values.getOrDefault("ports", Integer.toString(port)).split(","))
                .mapToInt(Integer::parseInt).toArray();
        morePids = values.containsKey("pids")
                ? java.util.Arrays.stream(values.get("pids").split(",")).mapToLong(Long::parseLong).toArray() : new long[0];
    }

    int portFor(int connection) {
        return ports[connection % ports.length];
    }

    int i(String name, int full, int quickValue) {
        String v = values.get(name);
        return v != null ? Integer.parseInt(v) : quick ? quickValue : full;
    }
}
