package io.switchboard.channel;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One life of a channel's log: items numbered 1, 2, 3, … with no gaps, the latest {@code retention}
 * of them kept. {@link #epoch()} names this life; a new log starts a new epoch.
 *
 * <p>This is the one seam for storage and for fan-out between nodes. {@link MemoryLog} keeps the
 * items on the heap for one node. A durable or clustered log (a Hazelcast ringbuffer, say)
 * implements the same methods, numbers items for every node alike, and hands each node the items
 * the others appended through {@link #onRemoteAppend}; the channel delivers those to its own members.
 */
public interface NumberedLog<T> {

    /** How many items a recovery or a page without {@code since} returns. */
    int LATEST_PAGE = 50;

    String epoch();

    /** The latest seq, 0 when empty. */
    long latest();

    /**
     * Appends the item {@code factory} builds for the next seq, and returns it. The factory runs
     * under the log's lock, so seqs are handed out in the order items enter the log.
     */
    T append(LongFunction<T> factory);

    /** What a client reconnecting with {@code since} (null: none) and {@code epoch} gets back (section 3.1). */
    Recovery<T> recover(Long since, String epoch);

    /** Up to {@code limit} items with seq below {@code before} (null: the latest), oldest first. */
    Page<T> before(Long before, int limit);

    /** The retained items with seq above {@code seq}, oldest first. */
    List<T> after(long seq);

    /** The lowest seq still retained; {@code latest() + 1} when nothing is. */
    long firstRetained();

    /**
     * Calls {@code listener} with each item another node appends, in seq order and after the items
     * this node appended before it. A log that only one node uses never calls it.
     */
    default void onRemoteAppend(Consumer<T> listener) {
    }

    /** The items a client recovers, and whether they are all it missed ({@code null}: it gave no {@code since}). */
    record Recovery<T>(List<T> items, Boolean recovered) {
    }

    /** A page of older items, and whether still older retained ones exist. */
    record Page<T>(List<T> items, boolean more) {
    }
}
