package io.switchboard.store;

import io.switchboard.channel.Items;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.NumberedLog.Appended;
import io.switchboard.channel.Position;
import io.switchboard.channel.Presence;
import io.switchboard.channel.PublishIds;
import io.switchboard.channel.ReadMarks;
import io.switchboard.channel.Store;
import io.switchboard.channel.StoreUnavailable;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The logs, read marks and publish ids in a database reached over JDBC: embedded H2 or PostgreSQL
 * (docs/storage.md). Writes go through group-commit {@link Writer}s, one per shard of the logs;
 * reads through a small pool of reader threads; retention through the {@link Cleaner}. Presence
 * is per node and stays in memory.
 *
 * <p>While the database cannot be reached, every call fails at once with {@link
 * StoreUnavailable}, {@link #reachable()} is false, and a probe tries again every {@code
 * probeInterval} until it answers: then everything works again, without a restart.
 */
final class JdbcStore implements Store {

    private static final Logger LOG = Logger.getLogger(JdbcStore.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Most items one read returns, whatever the caller asks. */
    private static final int MAX_READ = 10_000;

    private final Database database;
    private final StoreConfig config;
    private final Presence presence;
    private final List<Writer> writers = new ArrayList<>();
    private final ThreadPoolExecutor readers;
    private final ScheduledExecutorService background;
    private final Cleaner cleaner;
    private final JdbcReadMarks readMarks;
    private final JdbcPublishIds publishIds;
    /** The logs with open handles; a state is created and dropped only inside compute calls. */
    private final ConcurrentHashMap<String, StreamState> streams = new ConcurrentHashMap<>();

    private volatile boolean reachable = true;
    private volatile Throwable lastFailure;
    /** Guarded by {@code this}: the probe running while the store is unreachable. */
    private ScheduledFuture<?> probe;
    private volatile boolean closed;

    private JdbcStore(Database database, StoreConfig config, Presence presence) {
        this.database = database;
        this.config = config;
        this.presence = presence;
        AtomicInteger readerNumber = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(config.readers(), config.readers(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(config.queueBound()),
                r -> Writer.daemon(r, "switchboard-store-reader-" + readerNumber.incrementAndGet()));
        this.readers.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(2,
                r -> Writer.daemon(r, "switchboard-store-background"));
        scheduled.setRemoveOnCancelPolicy(true);
        this.background = scheduled;
        for (int i = 0; i < config.writers(); i++) {
            writers.add(new Writer(this, i, config.queueBound(), config.maxBatch()));
        }
        this.cleaner = new Cleaner(this);
        this.readMarks = new JdbcReadMarks(this);
        this.publishIds = new JdbcPublishIds(this);
    }

    /**
     * Migrates the schema (Flyway, with {@code loader}: the application's class loader in a WAR),
     * then starts the writers and the cleaner. The caller owns {@code database} until this returns;
     * from then on {@link #close()} closes it.
     */
    static JdbcStore start(Database database, StoreConfig config, Presence presence, ClassLoader loader) {
        Migrations.migrate(database, loader);
        JdbcStore store = new JdbcStore(database, config, presence);
        store.writers.forEach(Writer::start);
        store.cleaner.start(store.background);
        LOG.info(() -> "store: " + database.kind() + " at " + database.where() + " (" + config.writers()
                + " writer" + (config.writers() == 1 ? "" : "s") + ", retention " + config.retention() + ")");
        return store;
    }

    // ---- Store

    @Override
    public LogStore logs() {
        return this::open;
    }

    private <T> NumberedLog<T> open(String name, Items<T> items) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a log name has 1 to 200 characters");
        }
        StreamState state = streams.compute(name, (k, s) -> {
            StreamState st = s != null ? s : new StreamState(k);
            st.handles++;
            return st;
        });
        return new JdbcLog<>(this, state, items);
    }

    void release(StreamState state) {
        streams.computeIfPresent(state.name, (k, s) -> {
            if (s != state) {
                return s;
            }
            return --s.handles == 0 ? null : s;
        });
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public ReadMarks readMarks() {
        return readMarks;
    }

    @Override
    public PublishIds publishIds() {
        return publishIds;
    }

    @Override
    public String kind() {
        return database.kind();
    }

    @Override
    public boolean reachable() {
        return reachable;
    }

    /** Writes what is queued (bounded), then stops every thread and closes a pool of our own. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cleaner.stop();
        writers.forEach(w -> w.close(5_000));
        background.shutdownNow();
        readers.shutdown();
        try {
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdownNow();
        database.close();
        LOG.info(() -> "store closed: " + database.kind() + " at " + database.where());
    }

    // ---- for the logs, marks, ids and the cleaner

    Database database() {
        return database;
    }

    StoreConfig config() {
        return config;
    }

    Cleaner cleaner() {
        return cleaner;
    }

    ScheduledExecutorService background() {
        return background;
    }

    Throwable lastFailure() {
        return lastFailure;
    }

    /** Group commit's work so far, summed over the writers: {@code transactions} and {@code appends}. */
    Map<String, Long> writeStats() {
        Map<String, Long> sum = new LinkedHashMap<>();
        for (Writer w : writers) {
            w.stats().forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        return Collections.unmodifiableMap(sum);
    }

    void submit(Op op) {
        writers.get(Math.floorMod(op.shardKey().hashCode(), writers.size())).submit(op);
    }

    <T> CompletableFuture<Appended<T>> append(JdbcLog<T> log, T draft, String key) {
        if (key != null && key.length() > 200) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("an idempotency key has at most 200 characters"));
        }
        Op.Append<T> op = new Op.Append<>(log, draft, key);
        submit(op);
        return op.future;
    }

    /** What a reader does with a connection. */
    @FunctionalInterface
    interface Work<R> {
        R apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a reader thread; fails with StoreUnavailable when the database does. */
    <R> CompletableFuture<R> onReader(Work<R> work) {
        if (!reachable) {
            return CompletableFuture.failedFuture(new StoreUnavailable("the store cannot be reached", lastFailure));
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            readers.execute(() -> {
                try (Connection c = database.dataSource().getConnection()) {
                    result.complete(work.apply(c));
                } catch (SQLException e) {
                    if (connectionProblem(e)) {
                        unreachable(e);
                    }
                    result.completeExceptionally(new StoreUnavailable("the store did not answer", e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new StoreUnavailable("the store is behind on reads", null));
        }
        return result;
    }

    CompletableFuture<Position> readPosition(StreamState state) {
        return onReader(c -> {
            Position p = selectMeta(c, state.name);
            if (p == null) {
                createMeta(c, state);
                p = selectMeta(c, state.name);
                if (p == null) {
                    throw new SQLException("the meta row of " + state.name + " vanished");
                }
            }
            return state.read(p);
        });
    }

    private static Position selectMeta(Connection c, String stream) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT epoch, top_seq FROM stream_meta WHERE stream = ?")) {
            s.setString(1, stream);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Position(r.getString(1), r.getLong(2)) : null;
            }
        }
    }

    /**
     * Creates a log's meta row in its own (auto-commit) transaction, so that a unique violation
     * from a racing creator spoils nothing. A row is created with the epoch this node already told
     * clients when it still describes the items, else with a new one; and numbering goes on after
     * any items left behind, so a seq is never given twice.
     */
    void createMeta(Connection c, StreamState state) throws SQLException {
        long max;
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM log_entry WHERE stream = ?")) {
            s.setString(1, state.name);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                max = r.getLong(1);
            }
        }
        Position known = state.position();
        String epoch = known != null && known.latest() == max ? known.epoch() : newEpoch();
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO stream_meta (stream, epoch, top_seq, created_at) VALUES (?, ?, ?, ?)")) {
            s.setString(1, state.name);
            s.setString(2, epoch);
            s.setLong(3, max);
            s.setLong(4, System.currentTimeMillis());
            s.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            // Another reader, writer or node created it first: theirs stands.
        }
    }

    <T> CompletableFuture<List<T>> read(String stream, Items<T> items, long from, int max) {
        int limit = Math.max(0, Math.min(max, MAX_READ));
        if (limit == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return onReader(c -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT e.payload FROM log_entry e"
                    + " WHERE e.stream = ? AND e.seq >= ?"
                    + " AND e.seq > (SELECT m.top_seq FROM stream_meta m WHERE m.stream = ?) - ?"
                    + " ORDER BY e.seq LIMIT ?")) {
                s.setString(1, stream);
                s.setLong(2, from);
                s.setString(3, stream);
                s.setLong(4, config.retention());
                s.setInt(5, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(r.getString(1));
                    }
                }
            }
            List<T> result = new ArrayList<>(rows.size());
            for (String json : rows) {
                result.add(items.parse(json));
            }
            return Collections.unmodifiableList(result);
        });
    }

    // ---- reachability

    /** A connection failed: refuse everything at once and probe until the database answers again. */
    void unreachable(Throwable cause) {
        lastFailure = cause;
        synchronized (this) {
            if (!reachable || closed) {
                return;
            }
            reachable = false;
            LOG.warning("store unreachable (" + database.kind() + " at " + database.where() + "): " + describe(cause)
                    + "; refusing writes until it answers");
            try {
                probe = background.scheduleWithFixedDelay(this::probe, config.probeInterval().toMillis(),
                        config.probeInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Closing.
            }
        }
    }

    private void probe() {
        try (Connection c = database.dataSource().getConnection()) {
            if (!c.isValid(2)) {
                return;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM stream_meta WHERE stream = ''")) {
                s.executeQuery().close();
            }
        } catch (SQLException | RuntimeException e) {
            lastFailure = e;
            return;
        }
        synchronized (this) {
            if (probe != null) {
                probe.cancel(false);
                probe = null;
            }
            reachable = true;
        }
        LOG.info(() -> "store reachable again: " + database.kind() + " at " + database.where());
    }

    static boolean connectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P")
                    || s.getSQLState().startsWith("53"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The innermost cause in one line, for logs and startup errors. Not the outer exception: a
     * failed JDBC batch quotes its statements, and so the users' texts.
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (true) {
            Throwable next = root.getCause();
            if (next == null && root instanceof SQLException s) {
                next = s.getNextException();
            }
            if (next == null || next == root) {
                break;
            }
            root = next;
        }
        String m = root.getMessage();
        String state = root instanceof SQLException s && s.getSQLState() != null ? " [" + s.getSQLState() + "]" : "";
        return root.getClass().getSimpleName() + state + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static String newEpoch() {
        return Long.toString(RANDOM.nextLong() >>> 1, 36);
    }

    static void log(Level level, String message, Throwable e) {
        LOG.log(level, message, e);
    }
}
