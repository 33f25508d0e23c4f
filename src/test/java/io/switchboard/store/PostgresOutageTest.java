package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.NumberedLog.Appended;
import io.switchboard.channel.StoreUnavailable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started under appends ({@code pg_ctlcluster}, as root, the way .ci/run
 * runs): while it is down appends fail fast with StoreUnavailable and reachable() is false; once
 * it is back the same store goes on by itself, and every acknowledged item is there exactly once,
 * the senders' retries with the same keys included.
 */
class PostgresOutageTest {

    @TempDir
    Path tmp;

    /** The local cluster serving the test URL's port, as "VERSION NAME". */
    static String[] cluster() throws Exception {
        int port = URI.create(TestDatabase.PG_URL.substring("jdbc:".length())).getPort();
        String host = URI.create(TestDatabase.PG_URL.substring("jdbc:".length())).getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            fail("this test stops and starts PostgreSQL, so it needs the local cluster; " + TestDatabase.PG_URL
                    + " is not local. Run it against the cluster of .ci/postgresql.sh (docs/storage.md).");
        }
        String out = run("pg_lsclusters", "--no-header");
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[2].equals(Integer.toString(port == -1 ? 5432 : port))) {
                return new String[] {f[0], f[1]};
            }
        }
        throw new AssertionError("no local PostgreSQL cluster on port " + port + " (pg_lsclusters: " + out
                + "). Run: sudo bash .ci/postgresql.sh");
    }

    static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is missing: this test drives Debian's postgresql-common as root."
                    + " Run: sudo bash .ci/postgresql.sh, then the tests as root", e);
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 90 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out
                    + " (the test must run as root, as .ci/run does)");
        }
        return out;
    }

    static void await(String what, long seconds, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail(what + " within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void appendsFailFastWhileDownAndEverythingAcknowledgedIsKeptAfter() throws Exception {
        String[] cluster = cluster();
        int senders = 4;
        int perSender = 200; // 800 items: all within the default retention of 1000
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tmp); JdbcStore store = db.open()) {
            NumberedLog<Note> log = store.logs().open("room:outage", Note.ITEMS);
            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicLong slowestRefusalMillis = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            List<Future<?>> done = new ArrayList<>();
            boolean stopped = false;
            try {
                for (int s = 0; s < senders; s++) {
                    int sender = s;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perSender; i++) {
                            String key = "s" + sender + "\n" + i;
                            while (true) { // a client: retry with the same key until acknowledged
                                long start = System.nanoTime();
                                try {
                                    Appended<Note> a = log.append(Note.draft("s" + sender + "-" + i), key)
                                            .get(30, TimeUnit.SECONDS);
                                    Long before = acked.putIfAbsent(key, a.item().seq());
                                    if (before != null && before != a.item().seq()) {
                                        throw new AssertionError(key + " acknowledged as " + before + " and " + a.item().seq());
                                    }
                                    Thread.sleep(2);
                                    break;
                                } catch (ExecutionException e) {
                                    assertInstanceOf(StoreUnavailable.class, e.getCause());
                                    refused.incrementAndGet();
                                    slowestRefusalMillis.accumulateAndGet(
                                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                                    Thread.sleep(20);
                                }
                            }
                        }
                        return null;
                    }));
                }
                await("100 acknowledgements before the outage", 60, () -> acked.size() >= 100);
                run("pg_ctlcluster", cluster[0], cluster[1], "stop", "-m", "fast");
                stopped = true;
                await("reachable() false while PostgreSQL is down", 15, () -> !store.reachable());
                int ackedWhenDown = acked.size();
                refused.set(0);
                slowestRefusalMillis.set(0);
                Thread.sleep(3000);
                assertTrue(refused.get() > 0, "appends are refused while down");
                assertTrue(slowestRefusalMillis.get() < 2500, "refused fast, not queued: slowest "
                        + slowestRefusalMillis.get() + " ms");
                assertEquals(ackedWhenDown, acked.size(), "nothing acknowledged while down");
                ExecutionException read = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> log.read(1, 10).get(10, TimeUnit.SECONDS));
                assertInstanceOf(StoreUnavailable.class, read.getCause());
            } finally {
                if (stopped) {
                    run("pg_ctlcluster", cluster[0], cluster[1], "start");
                }
            }
            await("reachable() again once PostgreSQL is back, without a restart", 30, store::reachable);
            for (Future<?> f : done) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("the senders did not finish after PostgreSQL came back");
                }
            }
            pool.shutdown();

            assertEquals(senders * perSender, acked.size());
            Set<Long> seqs = new HashSet<>(acked.values());
            assertEquals(acked.size(), seqs.size(), "one seq per key");
            Map<Long, String> stored = new TreeMap<>();
            for (Note n : JdbcStoreTest.await(log.read(1, 10_000))) {
                stored.put(n.seq(), n.text());
            }
            assertEquals(senders * perSender, stored.size(), "every key stored once");
            assertEquals(JdbcStoreTest.range(1, senders * perSender).toString(), new ArrayList<>(stored.keySet()).toString(),
                    "no gaps");
            for (Map.Entry<String, Long> a : acked.entrySet()) {
                assertEquals(a.getKey().replace('\n', '-'), stored.get(a.getValue()));
            }
        }
    }
}
