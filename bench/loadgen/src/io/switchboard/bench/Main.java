package io.switchboard.bench;

/**
 * The load generator: {@code --workload fanout|roundtrip|idle|handshake --port P [--pid PID --kind jvm|node]
 * [--quick] [--name value …]}. Prints {@code RESULT <metric> <value>} lines and exits 0, or 1 when the
 * workload counted errors (gaps, reorders, refused or dropped connections, missing replies).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options(args);
        if (o.workload.equals("probe-cluster")) {
            System.exit(ClusterProbe.run(o));
        }
        Workload w = switch (o.workload) {
            case "fanout" -> new Fanout(o);
            case "roundtrip" -> new RoundTrip(o);
            case "idle" -> new Idle(o);
            case "handshake" -> new Handshake(o);
            default -> throw new IllegalArgumentException("unknown workload " + o.workload);
        };
        try {
            w.run();
        } catch (Exception e) {
            w.error("workload stopped: " + e);
            e.printStackTrace();
        }
        w.tearingDown = true;
        Workload.result("server_pings_answered", w.loop.serverPings);
        Workload.result("errors", w.errors);
        w.loop.close();
        System.out.flush();
        // Bounded: whatever the server does now, the generator is done.
        System.exit(w.errors == 0 ? 0 : 1);
    }
}
