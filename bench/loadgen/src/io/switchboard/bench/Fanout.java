package io.switchboard.bench;

import java.io.IOException;

/**
 * One room of {@code members} connections (default 1,000); member 0 says, everyone (itself
 * included) receives every {@code message}, in seq order without gaps.
 *
 * <ol>
 *   <li>Throughput, closed on full delivery: member 0 keeps at most {@code window} messages sent
 *       but not yet received by every member; warm-up, then {@code tputSeconds} measured.
 *       Deliveries/s = {@code message} frames received by all members in that time / the time.
 *       The window keeps every queue bounded, so this is the rate the server sustains, not the
 *       rate it buffers.</li>
 *   <li>Latency, open loop: {@code rate} messages/s (default 20) on a fixed schedule for
 *       {@code latSeconds}; each {@code say} carries its <em>scheduled</em> send time (nanos of the
 *       generator's clock), so a late send counts against the server as it would for a user (no
 *       coordinated omission). Every member's receive time minus it is one sample.</li>
 * </ol>
 */
final class Fanout extends Workload {

    /** Names this run's refs. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    private final int members;
    private final int window;
    private final String padding;
    private Conn sender;
    private long baseSeq;
    private long sent;
    private long acks;
    private int[] deliveredTo;
    private long fullyDelivered;
    private long deliveries;
    private long[] latencies;
    private int latencyCount;
    private boolean recording;

    Fanout(Options o) throws IOException {
        super(o);
        members = o.i("members", 1000, 1000);
        window = o.i("window", 32, 32);
        padding = pad(o.i("padding", 48, 48));
    }

    @Override
    void run() throws Exception {
        Conn[] conns = openAll(members, i -> "/chat/fanout?user=m" + i, 256, 120_000_000_000L);
        if (welcomed < members) {
            return;
        }
        settle(500, 60_000);
        sender = conns[0];
        baseSeq = sender.nextSeq - 1;
        int maxMessages = 1 << 21;
        deliveredTo = new int[maxMessages];

        int warmup = o.i("warmupSeconds", 5, 2);
        int tput = o.i("tputSeconds", 10, 4);
        Runnable fill = () -> {
            while (sent - fullyDelivered < window && sent < maxMessages - 1) {
                say(System.nanoTime());
            }
        };
        runFor(warmup * 1000L, fill);
        long d0 = deliveries;
        long t0 = System.nanoTime();
        Probe.Phase phase = new Probe.Phase(o);
        Probe.jfrStart(o);
        runFor(tput * 1000L, fill);
        long t1 = System.nanoTime();
        long d1 = deliveries;
        double secs = (t1 - t0) / 1e9;
        result("deliveries_per_s", (d1 - d0) / secs);
        double serverCpu = phase.report("tput");
        result("deliveries_per_server_cpu_s", (d1 - d0) / serverCpu);
        Probe.jfrStop(o);
        if (!runUntil(() -> fullyDelivered == sent, 30_000_000_000L, null)) {
            error((sent - fullyDelivered) + " messages never reached every member after the throughput phase");
            return;
        }

        int rate = o.i("rate", 20, 20);
        int latSeconds = o.i("latSeconds", 20, 6);
        int count = rate * latSeconds;
        latencies = new long[count * members];
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000L;
        int[] i = {0};
        recording = true;
        long sentBefore = sent;
        runUntil(() -> i[0] >= count, (latSeconds + 30) * 1_000_000_000L, () -> {
            long now = System.nanoTime();
            while (i[0] < count && now >= start + i[0] * period) {
                say(start + i[0] * period);
                i[0]++;
            }
        });
        if (!runUntil(() -> fullyDelivered == sent && acks == sent, 30_000_000_000L, null)) {
            error((sent - fullyDelivered) + " of " + (sent - sentBefore) + " latency messages never reached every member");
        }
        recording = false;
        sort(latencies, latencyCount);
        result("lat_p50_ms", percentileMillis(latencies, latencyCount, 0.50));
        result("lat_p99_ms", percentileMillis(latencies, latencyCount, 0.99));
        result("lat_p999_ms", percentileMillis(latencies, latencyCount, 0.999));
        result("lat_max_ms", percentileMillis(latencies, latencyCount, 1.0));
        if (acks != sent) {
            error("sender got " + acks + " acks for " + sent + " says");
        }
    }

    private void say(long scheduledNanos) {
        sent++;
        // Refs unique to this run: on a durable store an earlier run's refs are kept, and a kept ref publishes nothing.
        sender.sendText("{\"type\":\"say\",\"text\":\"" + scheduledNanos + ":" + padding + "\",\"ref\":\"" + RUN + "-" + sent + "\"}");
    }

    @Override
    void onMessage(Conn c, long seq, long scheduledNanos) {
        deliveries++;
        if (recording && scheduledNanos > 0 && latencyCount < latencies.length) {
            latencies[latencyCount++] = System.nanoTime() - scheduledNanos;
        }
        long idx = seq - baseSeq - 1;
        if (idx >= 0 && idx < deliveredTo.length && ++deliveredTo[(int) idx] == members) {
            fullyDelivered++;
        }
    }

    @Override
    void onAck(Conn c, long seq) {
        acks++;
        if (seq != baseSeq + acks) {
            error("ack seq " + seq + " where " + (baseSeq + acks) + " was due");
        }
    }
}
