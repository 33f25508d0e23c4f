package io.switchboard.cluster;

import io.switchboard.channel.Items;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A log as one node of a cluster sees it: the log itself ({@code base}: a ring in the grid, or
 * rows in the shared database) plus the bus. What this node stores it announces to the others;
 * what others announce, and what a check reads back from the log after a lost announcement,
 * reaches the listener like a local item (the channel drops duplicates and repairs gaps).
 */
final class ClusterLog<T> implements NumberedLog<T>, NumberedLog.Listener<T> {

    private static final Logger LOG = Logger.getLogger(ClusterLog.class.getName());
    /** Items a check reads at once; a longer gap is repaired by the channel, item by item of the read. */
    private static final int CHECK_READ = 200;

    private final ClusterLogs logs;
    final String name;
    private final NumberedLog<T> base;
    private final Items<T> items;
    private volatile Listener<T> listener;
    /** The highest seq handed to the listener or known to exist: a check reads after it. */
    private final AtomicLong heard = new AtomicLong();

    ClusterLog(ClusterLogs logs, String name, NumberedLog<T> base, Items<T> items) {
        this.logs = logs;
        this.name = name;
        this.base = base;
        this.items = items;
    }

    @Override
    public CompletableFuture<Position> position() {
        return base.position().thenApply(position -> {
            heard.accumulateAndGet(position.latest(), Math::max);
            return position;
        });
    }

    @Override
    public CompletableFuture<Appended<T>> append(T draft, String key) {
        return base.append(draft, key).thenCompose(appended -> {
            if (appended.duplicate()) {
                return CompletableFuture.completedFuture(appended);
            }
            heard.accumulateAndGet(items.seq(appended.item()), Math::max);
            String json = items.json(appended.item());
            if (!items.countsDeliveries()) {
                logs.announce(name, json);
                return CompletableFuture.completedFuture(appended);
            }
            // The publish API answers delivered over every node: the others say how many they queued it to.
            return logs.announceCounted(name, json)
                    .thenApply(elsewhere -> new Appended<>(appended.item(), false, elsewhere));
        });
    }

    @Override
    public CompletableFuture<List<T>> read(long from, int max) {
        return base.read(from, max);
    }

    @Override
    public void listen(Listener<T> listener) {
        this.listener = listener;
        base.listen(this);
        logs.opened(this);
    }

    @Override
    public void signal(String text, String exceptUser) {
        logs.signal(name, text, exceptUser);
    }

    // ---- from the log, the bus and checks

    @Override
    public void appended(T item) {
        heard.accumulateAndGet(items.seq(item), Math::max);
        Listener<T> l = listener;
        if (l != null) {
            l.appended(item);
        }
    }

    @Override
    public void reset(Position position) {
        heard.set(position.latest());
        Listener<T> l = listener;
        if (l != null) {
            l.reset(position);
        }
    }

    @Override
    public void signalled(String text, String exceptUser) {
        Listener<T> l = listener;
        if (l != null) {
            l.signalled(text, exceptUser);
        }
    }

    /** Another node stored this item ({@code json}: its frame); to how many members here it was queued. */
    int announced(String json) {
        T item = items.parse(json);
        heard.accumulateAndGet(items.seq(item), Math::max);
        Listener<T> l = listener;
        return l == null ? 0 : l.appendedCounting(item);
    }

    /** Reads what follows the last item heard: an announcement to this node may have been lost. */
    void check() {
        long from = heard.get() + 1;
        base.read(from, CHECK_READ).whenComplete((read, error) -> {
            if (error != null) {
                LOG.log(Level.FINE, "checking " + name + " failed; the next check tries again", error);
                return;
            }
            read.forEach(this::appended);
        });
    }

    /** The base log, for the grid's own events (a lost ring). */
    NumberedLog<T> base() {
        return base;
    }

    @Override
    public void close() {
        logs.closed(this);
        listener = null;
        base.close();
    }
}
