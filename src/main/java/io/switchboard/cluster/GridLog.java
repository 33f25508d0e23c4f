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

    private final GridLogs logs;
    private final String name;
    private final Items<T> items;
    private final Ringbuffer<byte[]> ring;
    private volatile Listener<T> listener;
    private volatile String epoch;

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

    @Override
    public CompletableFuture<Appended<T>> append(T draft, String key) {
        return call(() -> {
            String current = epoch();
            String k = key == null ? null : name + '\n' + key;
            if (k != null) {
                Long first = claim(k, current);
                if (first != null) {
                    return new Appended<>(stored(first, draft), true);
                }
            }
            long seq;
            try {
                seq = ring.addAsync(items.json(draft).getBytes(StandardCharsets.UTF_8), OverflowPolicy.OVERWRITE)
                        .toCompletableFuture().get(10, TimeUnit.SECONDS) + 1;
            } catch (Exception e) {
                if (k != null) {
                    logs.keys.remove(k, GridLogs.PENDING);
                }
                throw new StoreUnavailable("the cluster did not store the item", e);
            }
            if (k != null) {
                logs.keys.set(k, current + ':' + seq);
            }
            T item = items.withSeq(draft, seq);
            Listener<T> l = listener;
            if (l != null) {
                l.appended(item);
            }
            return new Appended<>(item, false);
        });
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
