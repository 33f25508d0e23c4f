package io.switchboard.channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One channel's log as one node sees it: items numbered 1, 2, 3, … with no gaps, the latest
 * {@code retention} kept. The log, not the caller, assigns the seq (a database row, a ringbuffer).
 *
 * <p>This is the one seam for storage and for fan-out between nodes. Every call is asynchronous: a
 * database or a data grid answers later, on its own thread. A {@link Listener} hears of every item
 * stored in this log, by this node or by another; a {@link Channel} turns that into deliveries in
 * seq order (it repairs gaps and drops duplicates itself, so a log may announce loosely).
 *
 * <p>Futures fail with {@link StoreUnavailable} when the store cannot be reached (nothing was
 * stored) and with {@link StoreFull} when a bound refuses the item.
 */
public interface NumberedLog<T> extends AutoCloseable {

    /** How many items a recovery without a usable {@code since} returns. */
    int LATEST_PAGE = 50;

    /** The log's epoch and latest seq, read from the store on first use. */
    CompletableFuture<Position> position();

    /**
     * Stores {@code draft} (its seq ignored) under the next seq. With a {@code key} (idempotency:
     * "user\nref" for a say, a publish id) that an item within retention was already stored under,
     * stores nothing and completes with that first item, marked as a duplicate. Completes after the
     * item is durable in this store (committed), so an acknowledgement can follow.
     */
    CompletableFuture<Appended<T>> append(T draft, String key);

    /** Up to {@code max} retained items from seq {@code from} on, oldest first (starting later when {@code from} is no longer retained). */
    CompletableFuture<List<T>> read(long from, int max);

    /** Hears of every item stored from now on, and of the log starting a new epoch. One listener per log handle. */
    void listen(Listener<T> listener);

    /**
     * Sends {@code text}, a frame that is not stored (presence, a receipt, typing, an unread
     * count), to this log's members on the other nodes of a cluster, except the connections of
     * {@code exceptUser} (null: none). A log of one node has no one to tell. Not a default method:
     * a wrapper that forgot to pass it on would silently keep the other nodes uninformed.
     */
    void signal(String text, String exceptUser);

    /** Releases this handle: its listener hears nothing more. Idempotent. */
    @Override
    void close();

    /**
     * A stored item, whether it was stored before under the same key (nothing new was stored), and
     * to how many members on other nodes it was queued (a cluster counts them for logs whose
     * {@link Items#countsDeliveries} says so; 0 elsewhere).
     */
    record Appended<T>(T item, boolean duplicate, int elsewhere) {

        public Appended(T item, boolean duplicate) {
            this(item, duplicate, 0);
        }
    }

    interface Listener<T> {

        /** An item stored by any node. May come more than once, out of order, or not at all: the channel repairs. */
        void appended(T item);

        /** The log lost items (a wiped store, a data grid that lost a partition) and starts over as {@code position}. */
        default void reset(Position position) {
        }

        /** As {@link #appended}, telling to how many members here the item was queued (0 when it was before). */
        default int appendedCounting(T item) {
            appended(item);
            return 0;
        }

        /** A frame another node {@linkplain #signal signalled} to this log's members. */
        default void signalled(String text, String exceptUser) {
        }
    }
}
