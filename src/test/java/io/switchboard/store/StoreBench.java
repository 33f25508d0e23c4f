package io.switchboard.store;

import io.switchboard.Settings;
import io.switchboard.channel.Store;
import io.switchboard.standalone.StandaloneServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/store-bench.sh: say→ack latency and sustained acknowledged messages/s of a standalone
 * server (in this JVM, over loopback WebSockets) on the memory store, the embedded default and
 * PostgreSQL, side by side. Two shapes: 8 senders in one room, and 100 rooms with one sender
 * each. For each: the most a closed loop of 32 says in flight per sender gets acknowledged, then
 * an open loop at half that rate for the latencies. Not a test: bounded, loopback only.
 */
public final class StoreBench {

    private static final int WINDOW = 32;
    private static final long WARM_MS = Long.getLong("bench.warmMs", 3000);
    private static final long RUN_MS = Long.getLong("bench.runMs", 8000);

    private StoreBench() {
    }

    /** One sender: a WebSocket in a room, says numbered by ref, acks timed. */
    static final class Sender implements WebSocket.Listener {
        final String name;
        WebSocket ws;
        final CountDownLatch welcomed = new CountDownLatch(1);
        final ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
        final AtomicLong next = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        /** Sends in order: the JDK client takes one text at a time. */
        private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
        private final StringBuilder partial = new StringBuilder();
        volatile long[] latencies = new long[1 << 16];
        final AtomicLong latencyCount = new AtomicLong();
        volatile boolean closedLoop;
        volatile boolean recording;

        Sender(String name) {
            this.name = name;
        }

        synchronized void say() {
            long ref = next.incrementAndGet();
            String frame = "{\"type\":\"say\",\"text\":\"bench message " + ref + " from " + name + "\",\"ref\":\"" + ref + "\"}";
            sentAt.put(ref, System.nanoTime());
            sending = sending.thenCompose(v -> ws.sendText(frame, true));
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(text);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(String text) {
            if (text.startsWith("{\"type\":\"welcome\"") || text.contains("\"type\":\"welcome\"")) {
                welcomed.countDown();
                return;
            }
            if (!text.contains("\"type\":\"ack\"")) {
                if (text.contains("\"type\":\"error\"")) {
                    System.err.println(name + ": " + text);
                }
                return;
            }
            int r = text.indexOf("\"ref\":\"");
            long ref = Long.parseLong(text.substring(r + 7, text.indexOf('"', r + 7)));
            Long at = sentAt.remove(ref);
            if (at == null) {
                return;
            }
            acked.incrementAndGet();
            if (recording) {
                long i = latencyCount.getAndIncrement();
                long[] l = latencies;
                if (i >= l.length) {
                    synchronized (this) {
                        if (i >= latencies.length) {
                            latencies = Arrays.copyOf(latencies, latencies.length * 2);
                        }
                        l = latencies;
                    }
                }
                l[(int) i] = System.nanoTime() - at;
            }
            if (closedLoop) {
                say();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            System.err.println(name + " closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            System.err.println(name + " failed: " + error);
        }
    }

    record Result(double perSecond, double p50, double p99, double halfRate, double halfP50, double halfP99, String commits) {
    }

    public static void main(String[] args) throws Exception {
        List<String> kinds = args.length > 0 ? List.of(args) : List.of("memory", "embedded", "postgresql");
        Map<String, Result[]> results = new HashMap<>();
        for (String kind : kinds) {
            results.put(kind, new Result[] {run(kind, 1, 8), run(kind, 100, 1)});
        }
        System.out.println();
        System.out.println("| store | shape | sustained acks/s | ack p50 / p99 at max (ms) | at half rate: acks/s | ack p50 / p99 (ms) | appends per commit |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String kind : kinds) {
            Result[] r = results.get(kind);
            String[] shapes = {"1 room, 8 senders", "100 rooms, 1 sender each"};
            for (int i = 0; i < 2; i++) {
                System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f / %.1f | %,.0f | %.1f / %.1f | %s |%n", kind, shapes[i],
                        r[i].perSecond(), r[i].p50(), r[i].p99(), r[i].halfRate(), r[i].halfP50(), r[i].halfP99(), r[i].commits());
            }
        }
        // The clients' HTTP executors are not daemons.
        System.exit(0);
    }

    static Result run(String kind, int rooms, int sendersPerRoom) throws Exception {
        Map<String, String> s = new HashMap<>(Map.of(
                "switchboard.host", "127.0.0.1",
                "switchboard.port", "0",
                "switchboard.auth", "dev",
                "switchboard.publishKey", "bench",
                "switchboard.framesPerSecond", "1000000",
                "switchboard.frameBurst", "1000000",
                "switchboard.maxQueuedBytes", Integer.toString(16 << 20),
                "switchboard.handshakeBurstPerAddress", "100000",
                "switchboard.maxConnectionsPerAddress", "100000"));
        Path dir = null;
        String schema = null;
        switch (kind) {
            case "memory" -> s.put("switchboard.store", "memory");
            case "embedded" -> {
                dir = Files.createTempDirectory("store-bench");
                s.put("switchboard.store", "embedded");
                s.put("switchboard.store.path", dir.toString());
            }
            case "postgresql" -> {
                schema = "bench_" + Long.toString(System.nanoTime(), 36);
                try (Connection c = DriverManager.getConnection(TestDatabase.PG_URL, TestDatabase.PG_USER, TestDatabase.PG_PASSWORD);
                        Statement st = c.createStatement()) {
                    st.execute("CREATE SCHEMA " + schema);
                }
                s.put("switchboard.store.url", TestDatabase.PG_URL + (TestDatabase.PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
                s.put("switchboard.store.user", TestDatabase.PG_USER);
                s.put("switchboard.store.password", TestDatabase.PG_PASSWORD);
            }
            default -> throw new IllegalArgumentException("memory, embedded or postgresql, not " + kind);
        }
        Settings settings = Settings.of(s);
        Store store = Stores.from(settings, false);
        StandaloneServer server = new StandaloneServer(settings, store);
        int port = server.start();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
        List<Sender> senders = new ArrayList<>();
        try {
            for (int r = 0; r < rooms; r++) {
                for (int i = 0; i < sendersPerRoom; i++) {
                    Sender sender = new Sender("u" + r + "x" + i);
                    sender.ws = http.newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/bench-" + r + "?user=" + sender.name), sender)
                            .get(10, TimeUnit.SECONDS);
                    senders.add(sender);
                }
            }
            for (Sender sender : senders) {
                if (!sender.welcomed.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no welcome for " + sender.name);
                }
            }
            // Closed loop: as many acknowledged as the server takes, WINDOW in flight per sender.
            senders.forEach(x -> x.closedLoop = true);
            for (Sender x : senders) {
                for (int i = 0; i < WINDOW; i++) {
                    x.say();
                }
            }
            Thread.sleep(WARM_MS);
            Map<String, Long> before = stats(store);
            long acked0 = total(senders);
            senders.forEach(x -> x.recording = true);
            long t0 = System.nanoTime();
            Thread.sleep(RUN_MS);
            long acked1 = total(senders);
            double seconds = (System.nanoTime() - t0) / 1e9;
            senders.forEach(x -> x.recording = false);
            double[] atMax = percentiles(senders);
            Map<String, Long> after = stats(store);
            double perSecond = (acked1 - acked0) / seconds;
            senders.forEach(x -> x.closedLoop = false);
            awaitDrained(senders);

            // Open loop at half that rate: each sender on a fixed schedule.
            double half = perSecond / 2;
            long periodNanos = (long) (1e9 * senders.size() / half);
            ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1);
            senders.forEach(x -> x.latencyCount.set(0));
            for (int i = 0; i < senders.size(); i++) {
                Sender x = senders.get(i);
                ticks.scheduleAtFixedRate(x::say, periodNanos * i / senders.size(), periodNanos, TimeUnit.NANOSECONDS);
            }
            Thread.sleep(WARM_MS / 2);
            long h0 = total(senders);
            senders.forEach(x -> x.recording = true);
            long ht0 = System.nanoTime();
            Thread.sleep(RUN_MS);
            double halfRate = (total(senders) - h0) / ((System.nanoTime() - ht0) / 1e9);
            senders.forEach(x -> x.recording = false);
            ticks.shutdownNow();
            double[] atHalf = percentiles(senders);
            awaitDrained(senders);
            String commits = after.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f",
                    (double) (after.get("appends") - before.get("appends"))
                            / Math.max(1, after.get("transactions") - before.get("transactions")));
            Result result = new Result(perSecond, atMax[0], atMax[1], halfRate, atHalf[0], atHalf[1], commits);
            System.out.printf(Locale.ROOT, "%s, %d room(s) x %d sender(s): %s%n", kind, rooms, sendersPerRoom, result);
            return result;
        } finally {
            for (Sender x : senders) {
                x.ws.abort();
            }
            server.stop();
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(TestDatabase.PG_URL, TestDatabase.PG_USER, TestDatabase.PG_PASSWORD);
                        Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static Map<String, Long> stats(Store store) {
        return store instanceof JdbcStore j ? j.writeStats() : Map.of();
    }

    private static long total(List<Sender> senders) {
        return senders.stream().mapToLong(x -> x.acked.get()).sum();
    }

    private static void awaitDrained(List<Sender> senders) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (senders.stream().anyMatch(x -> !x.sentAt.isEmpty()) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    /** p50 and p99 in milliseconds of what the senders recorded. */
    private static double[] percentiles(List<Sender> senders) {
        int n = 0;
        for (Sender x : senders) {
            n += (int) Math.min(x.latencyCount.get(), x.latencies.length);
        }
        long[] all = new long[n];
        int k = 0;
        for (Sender x : senders) {
            int c = (int) Math.min(x.latencyCount.get(), x.latencies.length);
            System.arraycopy(x.latencies, 0, all, k, c);
            k += c;
        }
        Arrays.sort(all);
        if (all.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {all[(int) (all.length * 0.50)] / 1e6, all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6};
    }
}
