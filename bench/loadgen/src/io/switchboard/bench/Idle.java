package io.switchboard.bench;

import java.io.IOException;

/**
 * {@code conns} idle connections (default 10,000, rooms of 10). Memory: the server's VmRSS, and its
 * heap in use after a full collection, before the first connection and after the last welcome
 * (then a 2 s pause), the difference divided by the count. CPU: then {@code seconds} (60) during
 * which each connection sends one app {@code ping} every {@code pingSeconds} (20), spread evenly;
 * the server's utime + stime over that time as a percentage of one core. Every ping must be answered.
 */
final class Idle extends Workload {

    private long pongs;
    private long pings;

    Idle(Options o) throws IOException {
        super(o);
    }

    @Override
    void run() throws Exception {
        int n = o.i("conns", 10_000, 2_000);
        if (o.pid <= 0) {
            throw new IllegalStateException("idle needs --pid");
        }
        long heap0 = Probe.heapUsedAfterGc(o);
        Thread.sleep(1000);
        long rss0 = Probe.rssBytes(o.pid);
        Conn[] conns = openAll(n, i -> "/chat/idle-" + (i / 10) + "?user=i" + i, 256, 300_000_000_000L);
        if (welcomed < n) {
            return;
        }
        settle(1000, 30_000);
        runFor(2000, null);
        long heap1 = Probe.heapUsedAfterGc(o);
        runFor(1000, null);
        long rss1 = Probe.rssBytes(o.pid);
        result("rss_per_conn_b", (rss1 - rss0) / (double) n);
        if (heap0 >= 0 && heap1 >= 0) {
            result("heap_per_conn_b", (heap1 - heap0) / (double) n);
        }
        runFor(2000, null);

        int seconds = o.i("seconds", 60, 10);
        long period = o.i("pingSeconds", 20, 20) * 1_000_000_000L;
        long cpu0 = Probe.cpuTicks(Long.toString(o.pid));
        Probe.Phase phase = new Probe.Phase(o);
        Probe.jfrStart(o);
        long t0 = System.nanoTime();
        long[] k = {0};
        runFor(seconds * 1000L, () -> {
            long now = System.nanoTime();
            while (t0 + k[0] * period / n <= now) {
                Conn c = conns[(int) (k[0] % n)];
                k[0]++;
                pings++;
                c.sendText("{\"type\":\"ping\",\"ref\":\"" + c.nextRef++ + "\"}");
            }
        });
        long t1 = System.nanoTime();
        long cpu1 = Probe.cpuTicks(Long.toString(o.pid));
        result("idle_cpu_pct", 100 * (cpu1 - cpu0) / Probe.TICKS_PER_SECOND / ((t1 - t0) / 1e9));
        phase.report("idle");
        Probe.jfrStop(o);
        if (!runUntil(() -> pongs == pings, 10_000_000_000L, null)) {
            error((pings - pongs) + " of " + pings + " idle pings never answered");
        }
        result("idle_open", loop.openCount());
    }

    @Override
    void onPong(Conn c, long ref) {
        pongs++;
        if (ref != c.expectRef) {
            error("conn " + c.id + ": pong " + ref + " where " + c.expectRef + " was due");
        }
        c.expectRef = ref + 1;
    }
}
