package io.switchboard.store;

import io.switchboard.channel.Items;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A handle on one log in the database. Appends go to the group-commit writer of the log's shard;
 * reads to the reader pool; the listener hears committed items from the writer's delivery thread,
 * in seq order.
 */
final class JdbcLog<T> implements NumberedLog<T> {

    private static final Logger LOG = Logger.getLogger(JdbcLog.class.getName());

    private final JdbcStore store;
    final StreamState state;
    final Items<T> items;
    /** Set once by listen(); read by the delivery thread. */
    private volatile Listener<T> listener;
    private volatile boolean closed;

    JdbcLog(JdbcStore store, StreamState state, Items<T> items) {
        this.store = store;
        this.state = state;
        this.items = items;
    }

    @Override
    public CompletableFuture<Position> position() {
        Position known = state.position();
        return known != null ? CompletableFuture.completedFuture(known) : store.readPosition(state);
    }

    @Override
    public CompletableFuture<Appended<T>> append(T draft, String key) {
        return store.append(this, draft, key);
    }

    @Override
    public CompletableFuture<List<T>> read(long from, int max) {
        return store.read(state.name, items, from, max);
    }

    @Override
    public void listen(Listener<T> listener) {
        if (this.listener != null) {
            throw new IllegalStateException("one listener per log handle");
        }
        this.listener = listener;
        if (!closed) {
            state.listeners.add(this);
        }
    }

    /** One node: its members already had the frame; a cluster wraps this log and carries signals itself. */
    @Override
    public void signal(String text, String exceptUser) {
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            state.listeners.remove(this);
            store.release(state);
        }
    }

    /** On the delivery thread: {@code item} as the appender's items made it, {@code json} its stored text. */
    @SuppressWarnings("unchecked")
    void hear(Items<?> from, Object item, String json) {
        Listener<T> l = listener;
        if (l == null || closed) {
            return;
        }
        try {
            l.appended(from == items ? (T) item : items.parse(json));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener of " + state.name + " failed", e);
        }
    }

    void hearReset(Position position) {
        Listener<T> l = listener;
        if (l == null || closed) {
            return;
        }
        try {
            l.reset(position);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener of " + state.name + " failed on reset", e);
        }
    }
}
