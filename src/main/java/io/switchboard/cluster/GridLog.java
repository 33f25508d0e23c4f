package io.switchboard.cluster;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.switchboard.channel.Items;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import io.switchboard.channel.StoreUnavailable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One log in the grid: ring sequence {@code s} holds the item numbered {@code s + 1}, stored as
 * its text with seq 0 (the ring numbers it as it stores it, so the number is not in the bytes).
 * Grid calls block, so they run on the cluster's call threads, never a caller's.
 */
final class GridLog<T> implements NumberedLog<T> {

    /** The most one ring read returns (Hazelcast's own limit is 1,000). */
    private static final int MAX_READ = 1_000;
    /** Items one ring operation adds at most. */
    private static final int MAX_BATCH = 100;
    /** Appends one log may have waiting on this node; past it, unavailable (the client retries). */
    private static final int MAX_QUEUED = 10_000;

    private final GridLogs logs;
    private final String name;
    private final Items<T> items;
    private final Ringbuffer<byte[]> ring;
    private volatile Listener<T> listener;
    private volatile String epoch;
    /** Appends not yet in a batch, in order; guarded by itself, like {@link #flushing}. */
    private final java.util.ArrayDeque<Pending<T>> queue = new java.util.ArrayDeque<>();
    private boolean flushing;

    GridLog(GridLogs logs, String name, Items<T> items, Ringbuffer<byte[]> ring) {
        this.logs = logs;
        this.name = name;
        this.items = items;
        this.ring = ring;
    }

    String name() {
        return name;
    }

    int partition() {
        return logs.hazelcast.getPartitionService().getPartition(ring.getName()).getPartitionId();
    }

    @Override
    public CompletableFuture<Position> position() {
        return call(() -> new Position(epoch(), ring.tailSequence() + 1));
    }

    private String epoch() {
        String known = epoch;
        if (known == null) {
            known = logs.epoch(name);
            epoch = known;
        }
        return known;
    }

    /**
     * Queues {@code draft}; one batch per log at a time goes to the ring, so this node's appends to
     * a log are stored in the order they were made (a sender's says keep their order) while a busy
     * log still stores many items per round trip.
     */
    @Override
    public CompletableFuture<Appended<T>> append(T draft, String key) {
        Pending<T> pending = new Pending<>(draft, key == null ? null : name + '\n' + key);
        boolean start;
        synchronized (queue) {
            if (queue.size() >= MAX_QUEUED) {
                return CompletableFuture.failedFuture(new StoreUnavailable("the cluster is behind: " + queue.size()
                        + " appends to " + name + " waiting", null));
            }
            queue.add(pending);
            start = !flushing;
            flushing = true;
        }
        if (start) {
            GridCalls.call(logs.calls, () -> {
                flush();
                return null;
            }).exceptionally(error -> {
                failAll(error);
                return null;
            });
        }
        return pending.done;
    }

    /** On a call thread: stores what is queued, a batch at a time, until nothing is. */
    private void flush() {
        while (true) {
            List<Pending<T>> batch = new ArrayList<>();
            synchronized (queue) {
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.poll());
                }
                if (batch.isEmpty()) {
                    flushing = false;
                    return;
                }
            }
            try {
                store(batch);
            } catch (Exception e) {
                StoreUnavailable failure = e instanceof StoreUnavailable u ? u
                        : new StoreUnavailable("the cluster did not store the item", e);
                for (Pending<T> p : batch) {
                    if (p.key != null && p.claimed) {
                        logs.keys.removeAsync(p.key); // unclaimed: a retry may store it
                    }
                    p.done.completeExceptionally(failure);
                }
            }
        }
    }

    private void failAll(Throwable error) {
        List<Pending<T>> left;
        synchronized (queue) {
            left = new ArrayList<>(queue);
            queue.clear();
            flushing = false;
        }
        left.forEach(p -> p.done.completeExceptionally(error));
    }

    /** Claims the keys, adds the new items to the ring in one operation, records the keys. */
    private void store(List<Pending<T>> batch) throws Exception {
        String current = epoch();
        List<Pending<T>> fresh = new ArrayList<>();
        for (Pending<T> p : batch) {
            // One round trip per keyed item: IMap has no asynchronous putIfAbsent in Hazelcast 5.3.
            Long first = p.key == null ? null : claim(p.key, current);
            if (first != null) {
                p.done.complete(new Appended<>(stored(first, p.draft), true));
            } else {
                p.claimed = p.key != null;
                fresh.add(p);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        List<byte[]> bytes = new ArrayList<>(fresh.size());
        fresh.forEach(p -> bytes.add(items.json(p.draft).getBytes(StandardCharsets.UTF_8)));
        long last = ring.addAllAsync(bytes, OverflowPolicy.OVERWRITE).toCompletableFuture().get(10, TimeUnit.SECONDS) + 1;
        long seq = last - fresh.size() + 1;
        List<CompletableFuture<Void>> recorded = new ArrayList<>();
        List<T> stored = new ArrayList<>(fresh.size());
        for (Pending<T> p : fresh) {
            stored.add(items.withSeq(p.draft, seq));
            if (p.key != null) {
                recorded.add(logs.keys.setAsync(p.key, current + ':' + seq).toCompletableFuture());
            }
            seq++;
        }
        CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        Listener<T> l = listener;
        for (int i = 0; i < fresh.size(); i++) {
            if (l != null) {
                l.appended(stored.get(i));
            }
            fresh.get(i).done.complete(new Appended<>(stored.get(i), false));
        }
    }

    /** An append waiting for its batch. */
    private static final class Pending<T> {
        final T draft;
        final String key;
        final CompletableFuture<Appended<T>> done = new CompletableFuture<>();
        boolean claimed;

        Pending(T draft, String key) {
            this.draft = draft;
            this.key = key;
        }
    }

    /** Claims {@code k} for this append (null), or the seq stored under it in this epoch first. */
    private Long claim(String k, String current) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GridLogs.RETRY_WAIT_MILLIS);
        while (true) {
            String found = logs.keys.putIfAbsent(k, GridLogs.PENDING, GridLogs.PENDING_SECONDS, TimeUnit.SECONDS);
            if (found == null) {
                return null;
            }
            if (!found.equals(GridLogs.PENDING)) {
                int colon = found.lastIndexOf(':');
                if (found.substring(0, colon).equals(current)) {
                    return Long.parseLong(found.substring(colon + 1));
                }
                // Stored in an epoch that is gone: its seq means nothing now; claim it afresh.
                if (logs.keys.replace(k, found, GridLogs.PENDING)) {
                    return null;
                }
                continue;
            }
            if (System.nanoTime() > end) {
                throw new StoreUnavailable("the first send with this ref is still being stored", null);
            }
            Thread.sleep(20);
        }
    }

    /** The item stored as {@code seq}, or the draft numbered so when the ring has moved past it (only its seq is answered). */
    private T stored(long seq, T draft) {
        try {
            byte[] bytes = ring.readOne(seq - 1);
            return items.withSeq(items.parse(new String(bytes, StandardCharsets.UTF_8)), seq);
        } catch (StaleSequenceException | IllegalArgumentException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return items.withSeq(draft, seq);
        }
    }

    @Override
    public CompletableFuture<List<T>> read(long from, int max) {
        return call(() -> {
            long tail = ring.tailSequence();
            long start = Math.max(0, from - 1);
            if (start > tail || max <= 0) {
                return List.of();
            }
            ReadResultSet<byte[]> read = ring.readManyAsync(start, 0, Math.min(max, MAX_READ), null)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<T> found = new ArrayList<>(read.size());
            for (int i = 0; i < read.size(); i++) {
                found.add(items.withSeq(items.parse(new String(read.get(i), StandardCharsets.UTF_8)), read.getSequence(i) + 1));
            }
            return found;
        });
    }

    @Override
    public void listen(Listener<T> listener) {
        this.listener = listener;
    }

    /** The ring lost its items (or a split brain's heal merged them away): a new epoch, and the listener starts over. */
    void lost() {
        call(() -> {
            String renewed = logs.renew(name, epoch);
            epoch = renewed;
            return new Position(renewed, ring.tailSequence() + 1);
        }).thenAccept(position -> {
            Listener<T> l = listener;
            if (l != null) {
                l.reset(position);
            }
        });
    }

    /** The {@link ClusterLog} around this one carries signals over the bus. */
    @Override
    public void signal(String text, String exceptUser) {
    }

    @Override
    public void close() {
        listener = null;
    }

    private <R> CompletableFuture<R> call(GridCalls.Work<R> work) {
        return GridCalls.call(logs.calls, work);
    }
}
