package io.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;

/**
 * Keeps the database bounded, in the background and in small steps, never on the writers:
 *
 * <ul>
 *   <li>items beyond the latest {@code retention} of a log (and their idempotency keys with them),
 *       deleted {@code deleteBatch} seqs per statement, each statement its own short transaction.
 *       The logs the writers grew since the last run are trimmed every run; every log once at
 *       start and then hourly (items left by a crash, a lowered retention);
 *   <li>publish ids beyond the newest {@code maxPublishIds}, the oldest first;
 *   <li>logs that never held an item, older than {@code emptyLogAge}: anyone can name a room, and
 *       its meta row exists from the first look at it. Losing such a row only changes the epoch
 *       of an empty log.
 * </ul>
 *
 * Reads never see items beyond retention whether or not they are deleted yet (they filter on
 * {@code top_seq}), so the cleaner's lag is invisible to clients.
 */
final class Cleaner {

    private static final long SWEEP_EVERY_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final int PAGE = 500;

    private final JdbcStore store;
    /** Logs that grew past retention since the last run: name to its latest seq then. */
    private final ConcurrentHashMap<String, Long> grown = new ConcurrentHashMap<>();
    private final AtomicLong answersSinceTrim = new AtomicLong(1);
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> task;
    /** Only touched by the one scheduled run at a time. */
    private long lastSweep;

    final LongAdder deleteStatements = new LongAdder();
    final LongAdder entriesDeleted = new LongAdder();
    final LongAdder runs = new LongAdder();

    Cleaner(JdbcStore store) {
        this.store = store;
    }

    void start(ScheduledExecutorService scheduler) {
        long every = Math.max(10, store.config().cleanInterval().toMillis());
        task = scheduler.scheduleWithFixedDelay(this::runSafely, every, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** From a writer, after a commit that moved {@code stream} to {@code top}. */
    void grew(String stream, long top) {
        if (top > store.config().retention()) {
            grown.merge(stream, top, Math::max);
        }
    }

    void answered() {
        answersSinceTrim.incrementAndGet();
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (SQLException e) {
            if (JdbcStore.connectionProblem(e)) {
                store.unreachable(e);
            } else {
                JdbcStore.log(Level.WARNING, "store retention failed; trying again next run", e);
            }
        } catch (RuntimeException e) {
            JdbcStore.log(Level.WARNING, "store retention failed; trying again next run", e);
        }
    }

    /** One pass; also called by tests. */
    void runOnce() throws SQLException {
        if (stopped || !store.reachable()) {
            return;
        }
        try (Connection c = store.database().dataSource().getConnection()) {
            long now = System.currentTimeMillis();
            if (lastSweep == 0 || now - lastSweep >= SWEEP_EVERY_MILLIS) {
                sweep(c);
                lastSweep = now;
            }
            for (String stream : new ArrayList<>(grown.keySet())) {
                Long top = grown.remove(stream);
                if (top != null && !stopped) {
                    trim(c, stream, top);
                }
            }
            trimPublishIds(c);
            dropEmptyLogs(c, now);
        }
        runs.increment();
    }

    /** Every log longer than retention, page by page. */
    private void sweep(Connection c) throws SQLException {
        String after = "";
        while (!stopped) {
            List<String> page = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT stream, top_seq FROM stream_meta WHERE stream > ? AND top_seq > ? ORDER BY stream LIMIT ?")) {
                s.setString(1, after);
                s.setLong(2, store.config().retention());
                s.setInt(3, PAGE);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        page.add(r.getString(1));
                        grew(r.getString(1), r.getLong(2));
                    }
                }
            }
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1);
        }
    }

    private void trim(Connection c, String stream, long top) throws SQLException {
        long cutoff = top - store.config().retention();
        long low;
        try (PreparedStatement s = c.prepareStatement("SELECT MIN(seq) FROM log_entry WHERE stream = ?")) {
            s.setString(1, stream);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                low = r.getLong(1);
                if (r.wasNull()) {
                    return;
                }
            }
        }
        int batch = store.config().deleteBatch();
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM log_entry WHERE stream = ? AND seq >= ? AND seq <= ?")) {
            while (low <= cutoff && !stopped) {
                long high = Math.min(cutoff, low + batch - 1);
                s.setString(1, stream);
                s.setLong(2, low);
                s.setLong(3, high);
                entriesDeleted.add(s.executeUpdate());
                deleteStatements.increment();
                low = high + 1;
            }
        }
    }

    private void trimPublishIds(Connection c) throws SQLException {
        if (answersSinceTrim.getAndSet(0) == 0) {
            return;
        }
        long oldestKept;
        try (PreparedStatement s = c.prepareStatement("SELECT n FROM publish_id ORDER BY n DESC LIMIT 1 OFFSET ?")) {
            s.setInt(1, store.config().maxPublishIds() - 1);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return;
                }
                oldestKept = r.getLong(1);
            }
        }
        long low;
        try (PreparedStatement s = c.prepareStatement("SELECT MIN(n) FROM publish_id")) {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                low = r.getLong(1);
            }
        }
        int batch = store.config().deleteBatch();
        try (PreparedStatement s = c.prepareStatement("DELETE FROM publish_id WHERE n >= ? AND n <= ?")) {
            while (low < oldestKept && !stopped) {
                long high = Math.min(oldestKept - 1, low + batch - 1);
                s.setLong(1, low);
                s.setLong(2, high);
                s.executeUpdate();
                deleteStatements.increment();
                low = high + 1;
            }
        }
    }

    private void dropEmptyLogs(Connection c, long now) throws SQLException {
        List<String> empty = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT stream FROM stream_meta WHERE top_seq = 0 AND created_at < ? ORDER BY created_at LIMIT ?")) {
            s.setLong(1, now - store.config().emptyLogAge().toMillis());
            s.setInt(2, PAGE);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    empty.add(r.getString(1));
                }
            }
        }
        if (empty.isEmpty()) {
            return;
        }
        // Still empty when deleted: a writer that locked the row meanwhile has moved top_seq.
        try (PreparedStatement s = c.prepareStatement("DELETE FROM stream_meta WHERE stream = ? AND top_seq = 0"
                + " AND NOT EXISTS (SELECT 1 FROM log_entry e WHERE e.stream = stream_meta.stream)")) {
            for (String stream : empty) {
                s.setString(1, stream);
                s.addBatch();
            }
            s.executeBatch();
            deleteStatements.increment();
        }
    }
}
