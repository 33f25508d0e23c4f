package io.switchboard.bench;

import java.io.IOException;

/**
 * {@code conns} new connections (default 5,000, rooms of 10), at most {@code inFlight} (256) of them
 * between connect and {@code welcome} at any time; handshakes/s = welcomed / time from the first
 * connect to the last welcome. A handshake counts when its {@code welcome} has arrived (the server
 * did its whole admission, identity and join). A warm-up of {@code warmup} (1,000) connections in
 * other rooms comes first and stays open.
 */
final class Handshake extends Workload {

    private long[] latencies;
    private int latencyCount;
    private boolean recording;

    Handshake(Options o) throws IOException {
        super(o);
    }

    @Override
    void run() throws Exception {
        int n = o.i("conns", 5_000, 1_000);
        int inFlight = o.i("inFlight", 256, 256);
        int warm = o.i("warmup", 1_000, 300);
        openAll(warm, i -> "/chat/hsw-" + (i / 10) + "?user=w" + i, inFlight, 120_000_000_000L);
        settle(500, 10_000);
        latencies = new long[n];
        recording = true;
        long welcomedBefore = welcomed;
        long t0 = System.nanoTime();
        Probe.Phase phase = new Probe.Phase(o);
        Probe.jfrStart(o);
        openAll(n, i -> "/chat/hs-" + (i / 10) + "?user=h" + i, inFlight, 300_000_000_000L);
        long t1 = System.nanoTime();
        Probe.jfrStop(o);
        recording = false;
        result("hs_per_s", (welcomed - welcomedBefore) / ((t1 - t0) / 1e9));
        double serverCpu = phase.report("hs");
        result("hs_per_server_cpu_s", (welcomed - welcomedBefore) / serverCpu);
        sort(latencies, latencyCount);
        result("hs_p50_ms", percentileMillis(latencies, latencyCount, 0.5));
        result("hs_p99_ms", percentileMillis(latencies, latencyCount, 0.99));
    }

    @Override
    void onWelcome(Conn c) {
        if (recording && latencyCount < latencies.length) {
            latencies[latencyCount++] = System.nanoTime() - c.startedNanos;
        }
    }
}
