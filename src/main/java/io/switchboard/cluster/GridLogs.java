package io.switchboard.cluster;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.switchboard.channel.Items;
import io.switchboard.channel.StoreFull;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The logs of a cluster on the memory store (protocol section 9): each log a Hazelcast {@link
 * Ringbuffer} of its latest {@code retention} items with one synchronous backup, so killing one
 * node loses nothing acknowledged. The ring assigns the seq in one operation on its owner, which
 * gives every room one order across nodes. Next to it, in maps: each log's epoch (a log whose
 * ring was lost, with its owner and backup, starts a new one) and the idempotency keys.
 */
final class GridLogs {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String RING_PREFIX = "switchboard-log-";
    /** Synchronous backups of every ring: its items survive this many members lost at once. */
    static final int BACKUPS = 1;
    /** A key claimed by an append in flight; other values are "epoch:seq". */
    static final String PENDING = "pending";
    /** How long a claim may stay pending: an append whose node died frees its key after this. */
    static final long PENDING_SECONDS = 30;
    /** How long a retry waits for a pending claim before answering unavailable. */
    static final long RETRY_WAIT_MILLIS = 5_000;
    /** How often the number of logs is read again for the bound. */
    private static final long COUNT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    final HazelcastInstance hazelcast;
    final IMap<String, String> epochs;
    final IMap<String, String> keys;
    final ExecutorService calls;
    private final int maxLogs;
    private volatile int counted;
    private volatile long countedAt;

    GridLogs(HazelcastInstance hazelcast, int retention, int maxLogs, ExecutorService calls) {
        this.hazelcast = hazelcast;
        this.maxLogs = maxLogs;
        this.calls = calls;
        hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(RING_PREFIX + "*")
                .setCapacity(retention).setBackupCount(BACKUPS).setAsyncBackupCount(0)
                .setInMemoryFormat(InMemoryFormat.BINARY));
        this.epochs = hazelcast.getMap("switchboard-epochs");
        this.keys = hazelcast.getMap("switchboard-log-keys");
    }

    <T> GridLog<T> open(String name, Items<T> items) {
        return new GridLog<>(this, name, items, hazelcast.getRingbuffer(RING_PREFIX + name));
    }

    /** The log's epoch, made on first use. @throws StoreFull past the bound on logs */
    String epoch(String name) {
        String epoch = epochs.get(name);
        if (epoch != null) {
            return epoch;
        }
        if (count() >= maxLogs) {
            throw new StoreFull("the cluster holds its most logs (switchboard.maxChannels)");
        }
        String fresh = fresh();
        String raced = epochs.putIfAbsent(name, fresh);
        return raced != null ? raced : fresh;
    }

    /** Starts a new epoch for a log whose items were lost (unless another node already did). */
    String renew(String name, String lost) {
        String fresh = fresh();
        if (lost == null ? epochs.putIfAbsent(name, fresh) == null : epochs.replace(name, lost, fresh)) {
            return fresh;
        }
        String now = epochs.get(name);
        return now != null ? now : epoch(name);
    }

    private int count() {
        long now = System.nanoTime();
        if (now - countedAt > COUNT_EVERY_NANOS) {
            counted = epochs.size();
            countedAt = now;
        }
        return counted;
    }

    static String fresh() {
        return Long.toString(RANDOM.nextLong() >>> 1, 36);
    }
}
