package io.switchboard.bench;

import java.io.IOException;

/**
 * {@code conns} connections (default 100, rooms of 10), each keeping {@code inFlight} (16) app
 * {@code ping}s outstanding: every {@code pong} (which must come back in ref order) sends the next.
 * Round trips/s = pongs received in the measured {@code seconds} / the time, after a warm-up.
 * Closed loop by design: this is a throughput figure; its RTT percentiles are only indicative.
 */
final class RoundTrip extends Workload {

    private int inFlight;
    private boolean refill = true;
    private long pongs;
    private long pings;
    private long[] rtts;
    private int rttCount;
    private boolean recording;

    RoundTrip(Options o) throws IOException {
        super(o);
    }

    @Override
    void run() throws Exception {
        int n = o.i("conns", 100, 100);
        inFlight = o.i("inFlight", 16, 16);
        Conn[] conns = openAll(n, i -> "/chat/rt-" + (i / 10) + "?user=r" + i, 256, 60_000_000_000L);
        if (welcomed < n) {
            return;
        }
        settle(300, 10_000);
        rtts = new long[1 << 22];
        for (Conn c : conns) {
            c.sentAt = new long[inFlight];
            for (int k = 0; k < inFlight; k++) {
                ping(c);
            }
        }
        runFor(o.i("warmupSeconds", 5, 2) * 1000L, null);
        long p0 = pongs;
        long t0 = System.nanoTime();
        recording = true;
        Probe.Phase phase = new Probe.Phase(o);
        Probe.jfrStart(o);
        runFor(o.i("seconds", 10, 4) * 1000L, null);
        recording = false;
        long t1 = System.nanoTime();
        Probe.jfrStop(o);
        result("rt_per_s", (pongs - p0) / ((t1 - t0) / 1e9));
        double serverCpu = phase.report("rt");
        result("rt_per_server_cpu_s", (pongs - p0) / serverCpu);
        refill = false;
        if (!runUntil(() -> pongs == pings, 30_000_000_000L, null)) {
            error((pings - pongs) + " pings never answered");
        }
        sort(rtts, rttCount);
        result("rtt_p50_ms", percentileMillis(rtts, rttCount, 0.5));
        result("rtt_p99_ms", percentileMillis(rtts, rttCount, 0.99));
    }

    private void ping(Conn c) {
        long ref = c.nextRef++;
        c.sentAt[(int) (ref % inFlight)] = System.nanoTime();
        pings++;
        c.sendText("{\"type\":\"ping\",\"ref\":\"" + ref + "\"}");
    }

    @Override
    void onPong(Conn c, long ref) {
        pongs++;
        if (ref != c.expectRef) {
            error("conn " + c.id + ": pong " + ref + " where " + c.expectRef + " was due");
        }
        c.expectRef = ref + 1;
        if (recording && rttCount < rtts.length) {
            rtts[rttCount++] = System.nanoTime() - c.sentAt[(int) (Math.max(ref, 0) % inFlight)];
        }
        if (refill) {
            ping(c);
        }
    }
}
