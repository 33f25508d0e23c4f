package io.switchboard.cluster;

import com.hazelcast.map.IMap;
import io.switchboard.channel.PublishIds;
import io.switchboard.channel.StoreUnavailable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The publish API's ids in the grid (a cluster on the memory store): one namespace for the
 * cluster, so a retry sent to another node publishes nothing twice. A claim is a pending entry
 * that expires, so an id whose node died while publishing is free again after {@link
 * #PENDING_SECONDS}. The map's size is bounded per member, the least recently used forgotten first.
 */
final class GridPublishIds implements PublishIds {

    static final String PENDING = "\u0000pending";
    static final long PENDING_SECONDS = 30;
    /** How long a second claim waits for the first before answering unavailable (the client retries). */
    static final long WAIT_MILLIS = 5_000;

    private final IMap<String, String> ids;
    private final ExecutorService calls;

    GridPublishIds(IMap<String, String> ids, ExecutorService calls) {
        this.ids = ids;
        this.calls = calls;
    }

    @Override
    public CompletableFuture<String> claim(String id) {
        return GridCalls.call(calls, () -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (true) {
                String found = ids.putIfAbsent(id, PENDING, PENDING_SECONDS, TimeUnit.SECONDS);
                if (found == null) {
                    return null;
                }
                if (!found.equals(PENDING)) {
                    return found;
                }
                if (System.nanoTime() > end) {
                    throw new StoreUnavailable("the first publish with this id is still in flight", null);
                }
                Thread.sleep(20);
            }
        });
    }

    @Override
    public CompletableFuture<Void> complete(String id, String answer) {
        return GridCalls.call(calls, () -> {
            ids.set(id, answer);
            return null;
        });
    }

    @Override
    public void abandon(String id) {
        GridCalls.call(calls, () -> ids.remove(id, PENDING));
    }
}
