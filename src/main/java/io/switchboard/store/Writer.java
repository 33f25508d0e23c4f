package io.switchboard.store;

import io.switchboard.channel.Position;
import io.switchboard.channel.StoreUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit for one shard of the logs. One thread drains a bounded queue: whatever waits, up to
 * {@code maxBatch} operations, goes into one transaction (meta rows locked in sorted stream order,
 * idempotency keys looked up, rows inserted in a JDBC batch, {@code top_seq} updated, read marks
 * and publish answers written), then one commit. While that commit waits for the disk, the next
 * operations queue up, so a batch grows with the load and each caller still waits only for the
 * commit that carries its own operation.
 *
 * <p>Only after the commit does a second thread (one per writer, so the order holds) tell the logs'
 * listeners, in seq order, and complete the callers' futures. A failed transaction fails every
 * operation in it with {@link StoreUnavailable}: nothing of it was stored, and retries with the
 * same key are safe.
 */
final class Writer {

    private static final Logger LOG = Logger.getLogger(Writer.class.getName());
    /** Most parameters one statement gets: IN lists are cut into chunks of this many rows. */
    private static final int CHUNK = 100;

    private final JdbcStore store;
    /**
     * H2 and PostgreSQL take a whole batch's rows as a few array parameters: one statement with
     * one plan, whatever the batch's size. Another database gets a statement per chunk or row.
     */
    private final boolean arrays;
    private final boolean postgres;
    private final BlockingQueue<Op> queue;
    private final int maxBatch;
    private final Thread thread;
    private final ExecutorService delivery;
    private volatile boolean closing;

    final LongAdder transactions = new LongAdder();
    final LongAdder appendsStored = new LongAdder();

    Writer(JdbcStore store, int index, int queueBound, int maxBatch) {
        this.store = store;
        Database.Dialect dialect = store.database().dialect();
        this.arrays = dialect != Database.Dialect.OTHER;
        this.postgres = dialect == Database.Dialect.POSTGRESQL;
        this.queue = new ArrayBlockingQueue<>(queueBound);
        this.maxBatch = maxBatch;
        String name = "switchboard-store-writer-" + index;
        this.delivery = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-delivery"));
        this.thread = daemon(this::run, name);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        thread.start();
    }

    /** Queues {@code op}, or fails it at once: store unreachable, queue full, or closing. */
    void submit(Op op) {
        if (closing) {
            op.fail(new StoreUnavailable("the store is closing", null));
        } else if (!store.reachable()) {
            op.fail(new StoreUnavailable("the store cannot be reached", store.lastFailure()));
        } else if (!queue.offer(op)) {
            op.fail(new StoreUnavailable("the store is behind: " + queue.size() + " writes waiting", null));
        }
    }

    private void run() {
        List<Op> batch = new ArrayList<>(maxBatch);
        while (true) {
            Op first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closing) {
                    break;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            if (!store.reachable()) {
                StoreUnavailable down = new StoreUnavailable("the store cannot be reached", store.lastFailure());
                batch.forEach(op -> op.fail(down));
            } else {
                write(batch);
            }
            batch = new ArrayList<>(maxBatch);
        }
        Op left;
        while ((left = queue.poll()) != null) {
            left.fail(new StoreUnavailable("the store is closing", null));
        }
    }

    /** Stops taking operations, writes what is queued, then stops. */
    void close(long timeoutMillis) {
        closing = true;
        try {
            thread.join(timeoutMillis);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1000);
            }
            delivery.shutdown();
            delivery.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- one batch, one transaction

    private record Meta(String epoch, long top) {
    }

    /** One log's part of a batch. */
    private static final class Group {
        final StreamState state;
        final List<Op.Append<?>> appends = new ArrayList<>();
        final List<Op.Append<?>> stored = new ArrayList<>();
        Meta meta;
        long top;
        /** The log started over (a wiped or restored database): listeners hear reset first. */
        Position reset;

        Group(StreamState state) {
            this.state = state;
        }
    }

    private void write(List<Op> batch) {
        Map<String, Group> groups = new TreeMap<>();
        for (Op op : batch) {
            if (op instanceof Op.Append<?> a) {
                groups.computeIfAbsent(a.stream(), k -> new Group(a.log.state)).appends.add(a);
            }
        }
        Connection c = null;
        try {
            c = store.database().dataSource().getConnection();
            c.setAutoCommit(false);
            List<Op.Append<?>> keyed = keyed(groups);
            Map<String, Hit> hits = new HashMap<>();
            lockMetas(c, groups, keyed, hits);
            for (Group g : groups.values()) {
                g.top = g.meta.top();
                g.reset = checkEpoch(c, g);
            }
            findDuplicates(c, groups, hits);
            insert(c, groups);
            for (Op op : batch) {
                if (op instanceof Op.Mark m) {
                    mark(c, m);
                } else if (op instanceof Op.Answer a) {
                    answer(c, a);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            failed(c, batch, groups, e);
            return;
        } finally {
            closeQuietly(c);
        }
        transactions.increment();
        for (Group g : groups.values()) {
            appendsStored.add(g.stored.size());
            Position now = new Position(g.meta.epoch(), g.top);
            if (g.reset != null || !g.stored.isEmpty() || g.state.position() == null) {
                g.state.committed(now);
            }
            if (!g.stored.isEmpty()) {
                store.cleaner().grew(g.state.name, g.top);
            }
        }
        try {
            delivery.execute(() -> deliver(batch, groups));
        } catch (RejectedExecutionException e) {
            deliver(batch, groups);
        }
    }

    private void deliver(List<Op> batch, Map<String, Group> groups) {
        for (Group g : groups.values()) {
            if (g.reset != null) {
                for (JdbcLog<?> l : g.state.listeners) {
                    l.hearReset(g.reset);
                }
            }
            for (Op.Append<?> a : g.stored) {
                for (JdbcLog<?> l : g.state.listeners) {
                    l.hear(a.log.items, a.item, a.json);
                }
            }
        }
        for (Op op : batch) {
            try {
                op.succeed();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a store caller's continuation failed", e);
            }
        }
    }

    private void failed(Connection c, List<Op> batch, Map<String, Group> groups, Exception e) {
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // The connection is likely gone; the pool drops it.
            }
        }
        // The commit may have happened with only its answer lost: read positions again.
        groups.values().forEach(g -> g.state.forget());
        boolean down = JdbcStore.connectionProblem(e) || !valid(c);
        if (down) {
            store.unreachable(e);
        } else {
            LOG.log(Level.WARNING, "a store transaction failed (" + batch.size() + " writes refused): "
                    + JdbcStore.describe(e));
        }
        // No SQL text in the message: it may reach a client, and a failed batch quotes other users' items.
        StoreUnavailable refused = new StoreUnavailable("the store did not take the write", e);
        try {
            delivery.execute(() -> batch.forEach(op -> op.fail(refused)));
        } catch (RejectedExecutionException r) {
            batch.forEach(op -> op.fail(refused));
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c != null && c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Returned to the pool or dropped by it: nothing left to do.
            }
        }
    }

    /**
     * Locks every meta row of the batch in stream order, creating the missing ones first, and
     * looks up the keys of {@code keyed} into {@code hits}. On PostgreSQL both statements go in one
     * round trip; the lookup still runs after the locks are held, with a snapshot of its own.
     */
    private void lockMetas(Connection c, Map<String, Group> groups, List<Op.Append<?>> keyed, Map<String, Hit> hits)
            throws SQLException {
        if (groups.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            List<String> missing = new ArrayList<>();
            hits.clear();
            boolean looked = selectForUpdate(c, groups, keyed, hits);
            for (Group g : groups.values()) {
                if (g.meta == null) {
                    missing.add(g.state.name);
                }
            }
            if (missing.isEmpty()) {
                if (!looked) {
                    lookUpKeys(c, keyed, hits);
                }
                return;
            }
            if (attempt == 3) {
                throw new SQLException("the meta rows of " + missing + " keep vanishing");
            }
            // Creating rows outside the locking transaction keeps the lock order sorted.
            c.rollback();
            c.setAutoCommit(true);
            for (String stream : missing) {
                store.createMeta(c, groups.get(stream).state);
            }
            c.setAutoCommit(false);
        }
    }

    private static final String LOCK_METAS = "SELECT stream, epoch, top_seq FROM stream_meta"
            + " WHERE stream = ANY(?) ORDER BY stream FOR UPDATE";
    private static final String FIND_KEYS = "SELECT e.stream, e.idem_key, e.seq, e.payload"
            + " FROM UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k (stream, idem_key)"
            + " JOIN log_entry e ON e.stream = k.stream AND e.idem_key = k.idem_key";

    /**
     * One statement locks the rows in the order the database sorts them, the same order for every
     * writer and every server sharing the database, so no two of them deadlock. Returns whether
     * the keys were looked up too (PostgreSQL: the two statements in one round trip).
     */
    private boolean selectForUpdate(Connection c, Map<String, Group> groups, List<Op.Append<?>> keyed,
            Map<String, Hit> hits) throws SQLException {
        if (postgres && !keyed.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(LOCK_METAS + "; " + FIND_KEYS)) {
                s.setArray(1, c.createArrayOf("varchar", groups.keySet().toArray()));
                setKeys(c, s, 2, keyed);
                s.execute();
                try (ResultSet r = s.getResultSet()) {
                    readMetas(r, groups);
                }
                if (!s.getMoreResults()) {
                    throw new SQLException("the key lookup returned no rows");
                }
                try (ResultSet r = s.getResultSet()) {
                    readHits(r, hits);
                }
            }
            return true;
        }
        if (arrays) {
            try (PreparedStatement s = c.prepareStatement(LOCK_METAS)) {
                s.setArray(1, c.createArrayOf("varchar", groups.keySet().toArray()));
                try (ResultSet r = s.executeQuery()) {
                    readMetas(r, groups);
                }
            }
            return false;
        }
        List<String> names = new ArrayList<>(groups.keySet());
        for (int from = 0; from < names.size(); from += CHUNK) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + CHUNK));
            String sql = "SELECT stream, epoch, top_seq FROM stream_meta WHERE stream IN (" + marks(chunk.size())
                    + ") ORDER BY stream FOR UPDATE";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 1, chunk.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    readMetas(r, groups);
                }
            }
        }
        return false;
    }

    private static void setKeys(Connection c, PreparedStatement s, int first, List<Op.Append<?>> keyed)
            throws SQLException {
        Object[] streams = new Object[keyed.size()];
        Object[] keys = new Object[keyed.size()];
        for (int i = 0; i < keyed.size(); i++) {
            streams[i] = keyed.get(i).stream();
            keys[i] = keyed.get(i).key;
        }
        s.setArray(first, c.createArrayOf("varchar", streams));
        s.setArray(first + 1, c.createArrayOf("varchar", keys));
    }

    private static void readMetas(ResultSet r, Map<String, Group> groups) throws SQLException {
        while (r.next()) {
            groups.get(r.getString(1)).meta = new Meta(r.getString(2), r.getLong(3));
        }
    }

    /**
     * Compares the row with what this node told its clients. Another epoch in the row, or the same
     * epoch with fewer items than announced (a database restored from a backup), means items were
     * lost: the latter gets a new epoch here, and listeners hear {@code reset}.
     */
    private Position checkEpoch(Connection c, Group g) throws SQLException {
        Position known = g.state.position();
        if (known == null) {
            return null;
        }
        if (known.epoch().equals(g.meta.epoch()) && g.meta.top() >= known.latest()) {
            return null;
        }
        if (known.epoch().equals(g.meta.epoch())) {
            String epoch = JdbcStore.newEpoch();
            try (PreparedStatement s = c.prepareStatement("UPDATE stream_meta SET epoch = ? WHERE stream = ?")) {
                s.setString(1, epoch);
                s.setString(2, g.state.name);
                s.executeUpdate();
            }
            g.meta = new Meta(epoch, g.meta.top());
            LOG.warning(g.state.name + " holds fewer items than it announced (" + g.meta.top() + " < "
                    + known.latest() + "): new epoch " + epoch);
        }
        return new Position(g.meta.epoch(), g.meta.top());
    }

    private record Hit(long seq, String payload) {
    }

    private static List<Op.Append<?>> keyed(Map<String, Group> groups) {
        List<Op.Append<?>> keyed = new ArrayList<>();
        for (Group g : groups.values()) {
            for (Op.Append<?> a : g.appends) {
                if (a.key != null) {
                    keyed.add(a);
                }
            }
        }
        return keyed;
    }

    /** The rows that hold any of the keys of {@code keyed}, by stream and key. */
    private void lookUpKeys(Connection c, List<Op.Append<?>> keyed, Map<String, Hit> hits) throws SQLException {
        if (arrays && !keyed.isEmpty()) {
            // A join on the keys: one index probe each, and one plan for any number of keys
            // (a row-value IN list costs PostgreSQL more to plan than to run).
            try (PreparedStatement s = c.prepareStatement(FIND_KEYS)) {
                setKeys(c, s, 1, keyed);
                try (ResultSet r = s.executeQuery()) {
                    readHits(r, hits);
                }
            }
        }
        for (int from = 0; !arrays && from < keyed.size(); from += CHUNK) {
            List<Op.Append<?>> chunk = keyed.subList(from, Math.min(keyed.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder(
                    "SELECT stream, idem_key, seq, payload FROM log_entry WHERE (stream, idem_key) IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            }
            try (PreparedStatement s = c.prepareStatement(sql.append(')').toString())) {
                int p = 1;
                for (Op.Append<?> a : chunk) {
                    s.setString(p++, a.stream());
                    s.setString(p++, a.key);
                }
                try (ResultSet r = s.executeQuery()) {
                    readHits(r, hits);
                }
            }
        }
    }

    /** Marks appends whose key an item within retention (or an earlier append of this batch) holds. */
    private void findDuplicates(Connection c, Map<String, Group> groups, Map<String, Hit> hits) throws SQLException {
        int retention = store.config().retention();
        for (Group g : groups.values()) {
            long firstRetained = Math.max(1, g.top - retention + 1);
            Map<String, Op.Append<?>> seen = new HashMap<>();
            for (Op.Append<?> a : g.appends) {
                if (a.key == null) {
                    continue;
                }
                Op.Append<?> earlier = seen.putIfAbsent(a.key, a);
                if (earlier != null) {
                    sameAs(a, earlier);
                    continue;
                }
                Hit hit = hits.get(a.stream() + '\u0000' + a.key);
                if (hit == null) {
                    continue;
                }
                if (hit.seq() >= firstRetained) {
                    duplicate(a, hit.payload());
                } else {
                    // Retention has dropped the item, not yet its row: the key is free again.
                    try (PreparedStatement s = c.prepareStatement(
                            "UPDATE log_entry SET idem_key = NULL WHERE stream = ? AND seq = ?")) {
                        s.setString(1, a.stream());
                        s.setLong(2, hit.seq());
                        s.executeUpdate();
                    }
                }
            }
        }
    }

    private static void readHits(ResultSet r, Map<String, Hit> hits) throws SQLException {
        while (r.next()) {
            hits.put(r.getString(1) + '\u0000' + r.getString(2), new Hit(r.getLong(3), r.getString(4)));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void sameAs(Op.Append<T> a, Op.Append<?> earlier) {
        a.sameAs = (Op.Append<T>) earlier;
    }

    private static <T> void duplicate(Op.Append<T> a, String payload) {
        try {
            a.item = a.log.items.parse(payload);
            a.json = payload;
            a.duplicate = true;
        } catch (RuntimeException e) {
            a.failed = e;
        }
    }

    /** Numbers the new items and inserts them in one statement (or JDBC batch); moves each log's top_seq. */
    private void insert(Connection c, Map<String, Group> groups) throws SQLException {
        List<Op.Append<?>> rows = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (Group g : groups.values()) {
            for (Op.Append<?> a : g.appends) {
                if (a.duplicate || a.sameAs != null || a.failed != null) {
                    continue;
                }
                if (number(a, g.top + 1)) {
                    g.top++;
                    g.stored.add(a);
                    rows.add(a);
                    seqs.add(g.top);
                }
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        List<Group> grown = new ArrayList<>();
        for (Group g : groups.values()) {
            if (!g.stored.isEmpty()) {
                grown.add(g);
            }
        }
        if (arrays) {
            // PostgreSQL: the INSERT and the UPDATE of top_seq in one round trip.
            try (PreparedStatement s = c.prepareStatement(postgres ? INSERT_ROWS + "; " + MOVE_TOPS : INSERT_ROWS)) {
                int n = rows.size();
                Object[] streams = new Object[n];
                Object[] keys = new Object[n];
                Object[] payloads = new Object[n];
                for (int i = 0; i < n; i++) {
                    Op.Append<?> a = rows.get(i);
                    streams[i] = a.stream();
                    keys[i] = a.key;
                    payloads[i] = a.json;
                }
                s.setArray(1, c.createArrayOf("varchar", streams));
                s.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
                s.setArray(3, c.createArrayOf("varchar", keys));
                s.setArray(4, c.createArrayOf("varchar", payloads));
                if (postgres) {
                    Object[] names = new Object[grown.size()];
                    Object[] tops = new Object[grown.size()];
                    for (int i = 0; i < grown.size(); i++) {
                        names[i] = grown.get(i).state.name;
                        tops[i] = grown.get(i).top;
                    }
                    s.setArray(5, c.createArrayOf("varchar", names));
                    s.setArray(6, c.createArrayOf("bigint", tops));
                }
                s.execute();
            }
            if (postgres) {
                return;
            }
        } else {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO log_entry (stream, seq, idem_key, payload) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < rows.size(); i++) {
                    Op.Append<?> a = rows.get(i);
                    s.setString(1, a.stream());
                    s.setLong(2, seqs.get(i));
                    s.setString(3, a.key);
                    s.setString(4, a.json);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        // H2 runs in this process: a batch of small updates costs no round trips.
        try (PreparedStatement s = c.prepareStatement("UPDATE stream_meta SET top_seq = ? WHERE stream = ?")) {
            for (Group g : grown) {
                s.setLong(1, g.top);
                s.setString(2, g.state.name);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static final String INSERT_ROWS = "INSERT INTO log_entry (stream, seq, idem_key, payload)"
            + " SELECT * FROM UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS BIGINT ARRAY),"
            + " CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY))";
    private static final String MOVE_TOPS = "UPDATE stream_meta SET top_seq = k.top"
            + " FROM UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS BIGINT ARRAY)) AS k (stream, top)"
            + " WHERE stream_meta.stream = k.stream";

    private static <T> boolean number(Op.Append<T> a, long seq) {
        try {
            T item = a.log.items.withSeq(a.draft, seq);
            a.json = a.log.items.json(item);
            a.item = item;
            return true;
        } catch (RuntimeException e) {
            a.failed = e;
            return false;
        }
    }

    private static void mark(Connection c, Op.Mark m) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE read_mark SET up_to = ? WHERE log_name = ? AND user_id = ? AND up_to < ?")) {
            s.setLong(1, m.upTo);
            s.setString(2, m.log);
            s.setString(3, m.user);
            s.setLong(4, m.upTo);
            if (s.executeUpdate() > 0) {
                m.result = m.upTo;
                return;
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT up_to FROM read_mark WHERE log_name = ? AND user_id = ?")) {
            s.setString(1, m.log);
            s.setString(2, m.user);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    m.result = r.getLong(1);
                    return;
                }
            }
        }
        if (m.upTo <= 0) {
            m.result = 0;
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO read_mark (log_name, user_id, up_to) VALUES (?, ?, ?)")) {
            s.setString(1, m.log);
            s.setString(2, m.user);
            s.setLong(3, m.upTo);
            s.executeUpdate();
            m.result = m.upTo;
        }
    }

    private static void answer(Connection c, Op.Answer a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM publish_id WHERE id = ?")) {
            s.setString(1, a.id);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO publish_id (id, answer) VALUES (?, ?)")) {
            s.setString(1, a.id);
            s.setString(2, a.answer);
            s.executeUpdate();
        }
    }

    static String marks(int n) {
        StringBuilder b = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "?" : ", ?");
        }
        return b.toString();
    }

    /** For tests and the benchmark: how much group commit grouped. */
    Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("transactions", transactions.sum());
        m.put("appends", appendsStored.sum());
        return m;
    }
}
