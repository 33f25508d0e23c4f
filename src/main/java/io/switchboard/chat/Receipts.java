package io.switchboard.chat;

import io.switchboard.channel.ReadMarks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Read receipts of every room on this node (protocol section 11), with the node's one timer.
 *
 * <p>A {@code read} only raises a wanted mark here. The mark is written through {@link ReadMarks}
 * and its {@code receipt} broadcast together, at most once per {@link #SPACING} per user and room:
 * at once when that user's last receipt in the room is older than that, else when it is that old.
 * So a flood of {@code read}s costs one store write and one frame a second, and the latest mark
 * reaches the members within {@code SPACING} plus a store round trip. A crash loses the marks not
 * yet written (the contract allows the last 2 s); {@link #close} writes them all.
 *
 * <p>Entries are per (room, user) with a read in the last {@code SPACING}: one per connection that
 * reads, forgotten a {@code SPACING} after its last receipt, so a client cannot grow the map.
 */
final class Receipts implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Receipts.class.getName());
    /** The least time between two receipts for one user in one room. */
    static final long SPACING_MILLIS = 1000;
    /** How long a clean shutdown waits for the store to take the marks not yet written. */
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final ReadMarks marks;
    /** The room of that name on this node now (rooms come and go in the registry), or null. */
    private final Function<String, Room> rooms;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "switchboard-receipts");
        thread.setDaemon(true);
        return thread;
    });
    /** Guarded by {@code this}, like every field of {@link Mark}. */
    private final Map<Key, Mark> marksByKey = new HashMap<>();
    private boolean closed;

    Receipts(ReadMarks marks, Function<String, Room> rooms) {
        this.marks = marks;
        this.rooms = rooms;
        timer.setRemoveOnCancelPolicy(true);
    }

    private record Key(String room, String user) {
        String log() {
            return Room.logName(room);
        }
    }

    /** One user's mark in one room, as this node knows it. */
    private static final class Mark {
        /** The highest clamped seq read here, not necessarily written yet. */
        long wanted;
        /** The mark as last written and announced; -1 until read from the store. */
        long sent = -1;
        /** System.nanoTime() of the last receipt sent; far in the past at first. */
        long sentAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS);
        /** A timer task is due for this entry. */
        boolean scheduled;
        /** A write is in flight: only one at a time, so receipts leave in order. */
        boolean writing;

        long known() {
            return Math.max(wanted, sent);
        }
    }

    /** {@code user} read {@code room} up to {@code upTo} (already clamped to the room's latest). */
    void read(String room, String user, long upTo) {
        Key key = new Key(room, user);
        boolean writeNow;
        synchronized (this) {
            if (closed) {
                return;
            }
            Mark mark = marksByKey.computeIfAbsent(key, k -> new Mark());
            if (upTo <= mark.known()) {
                return; // not above what is already marked: nothing to do, nothing sent
            }
            mark.wanted = upTo;
            if (mark.scheduled || mark.writing) {
                return; // the task or write under way takes it
            }
            long wait = waitMillis(mark);
            writeNow = wait <= 0;
            if (writeNow) {
                mark.writing = true;
            } else {
                schedule(key, mark, wait);
            }
        }
        if (writeNow) {
            write(key);
        }
    }

    /** The mark this node knows for {@code user} in {@code room}, written or not; 0 when none. */
    synchronized long known(String room, String user) {
        Mark mark = marksByKey.get(new Key(room, user));
        return mark == null ? 0 : Math.max(0, mark.known());
    }

    private long waitMillis(Mark mark) {
        long due = mark.sentAt + TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS);
        return TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime() + 999_999);
    }

    /** Under the lock: a timer task for {@code key} in {@code millis}. */
    private void schedule(Key key, Mark mark, long millis) {
        mark.scheduled = true;
        try {
            timer.schedule(() -> due(key), Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            mark.scheduled = false; // closing: close() writes what is left
        }
    }

    /** The spacing has passed: write what was read meanwhile, or forget the entry. */
    private void due(Key key) {
        synchronized (this) {
            Mark mark = marksByKey.get(key);
            if (mark == null) {
                return;
            }
            mark.scheduled = false;
            if (mark.writing) {
                return;
            }
            if (mark.wanted <= mark.sent) {
                long wait = waitMillis(mark);
                if (wait > 0) {
                    schedule(key, mark, wait);
                } else {
                    marksByKey.remove(key); // quiet for a whole spacing: the next read may go at once
                }
                return;
            }
            mark.writing = true;
        }
        write(key);
    }

    /** Writes the wanted mark, then announces it if it moved; one write per entry at a time. */
    private void write(Key key) {
        long upTo;
        long sent;
        synchronized (this) {
            Mark mark = marksByKey.get(key);
            upTo = mark.wanted;
            sent = mark.sent;
        }
        CompletableFuture<Long> before = sent >= 0 ? CompletableFuture.completedFuture(sent) : marks.get(key.log(), key.user());
        before.thenCompose(previous -> marks.advance(key.log(), key.user(), upTo)
                        .thenApply(after -> new long[] {previous, after}))
                .whenComplete((result, error) -> written(key, result, error));
    }

    private void written(Key key, long[] result, Throwable error) {
        boolean announce = false;
        long mark = 0;
        if (error != null) {
            LOG.log(Level.FINE, "writing the read mark of " + key.user() + " in " + key.room() + " failed; retrying", error);
        } else {
            long previous = result[0];
            mark = result[1];
            announce = mark > previous;
        }
        if (announce) {
            // Outside our lock: a broadcast takes the room's lock, and a welcome reads us under it.
            Room room = rooms.apply(key.room());
            if (room != null) {
                room.receipt(key.user(), mark);
            }
        }
        synchronized (this) {
            Mark entry = marksByKey.get(key);
            entry.writing = false;
            if (error == null) {
                entry.sent = Math.max(entry.sent, mark);
                if (announce) {
                    entry.sentAt = System.nanoTime();
                }
            }
            if (closed) {
                return;
            }
            // Again after the spacing (also after a failure): it writes what came meanwhile, or forgets the entry.
            schedule(key, entry, error != null ? SPACING_MILLIS : waitMillis(entry));
        }
    }

    /** For tests: entries held now. */
    synchronized int size() {
        return marksByKey.size();
    }

    /**
     * Writes every mark not yet written (a clean shutdown loses none), waiting for the store at
     * most {@value #CLOSE_WAIT_MILLIS} ms, then stops the timer. No receipts: the connections are closing.
     */
    @Override
    public void close() {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            marksByKey.forEach((key, mark) -> {
                if (mark.wanted > mark.sent) {
                    writes.add(marks.advance(key.log(), key.user(), mark.wanted));
                }
            });
        }
        timer.shutdownNow();
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "not every read mark was written at shutdown", e);
        }
    }
}
