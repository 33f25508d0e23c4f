package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes that start together on a fresh PostgreSQL schema (a cluster's first start, a rolling
 * deploy) all start: one migrates, the others find the schema done. Flyway's own lock does not
 * cover creating its history table, so two nodes could both try to baseline it.
 */
class MigrationsTest {

    static final int NODES = 4;

    @TempDir
    Path tmp;

    @RepeatedTest(5)
    void nodesStartingTogetherOnAFreshSchemaAllStartAndMigrateOnce() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tmp);
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JdbcStore>> starts = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                starts.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return db.open();
                }));
            }
            go.countDown();
            List<JdbcStore> stores = new ArrayList<>();
            AssertionError failed = null;
            for (Future<JdbcStore> start : starts) {
                try {
                    stores.add(start.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    failed = failed != null ? failed : new AssertionError("a node did not start: " + e.getCause(), e.getCause());
                }
            }
            stores.forEach(JdbcStore::close);
            if (failed != null) {
                throw failed;
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT version) FROM " + Migrations.HISTORY_TABLE
                        + " WHERE success AND type = 'SQL'")) {
            r.next();
            assertEquals(r.getLong(2), r.getLong(1), "every script ran once");
        }
    }
}
