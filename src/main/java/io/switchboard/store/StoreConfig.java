package io.switchboard.store;

import io.switchboard.Settings;
import java.time.Duration;

/**
 * The durable store's tuning (docs/storage.md). Only {@code retention} and {@code maxPublishIds}
 * are contract settings; the rest have defaults that suit a 2-core machine.
 *
 * @param retention       items kept per log ({@code switchboard.retention})
 * @param maxPublishIds   publish ids kept, the oldest forgotten first ({@code switchboard.maxPublishIds})
 * @param writers         group-commit writer threads, each owning a shard of the logs
 * @param readers         threads (and connections) for reads: positions, pages, marks, ids
 * @param maxBatch        most operations one transaction carries
 * @param queueBound      operations waiting per writer before appends are refused as unavailable
 * @param cleanInterval   how often retention runs
 * @param emptyLogAge     a log that never held an item loses its row (and its epoch) after this long
 * @param deleteBatch     most rows one retention DELETE removes
 * @param probeInterval   how often an unreachable store is tried again
 */
record StoreConfig(int retention, int maxPublishIds, int writers, int readers, int maxBatch, int queueBound,
        Duration cleanInterval, Duration emptyLogAge, int deleteBatch, Duration probeInterval) {

    StoreConfig {
        if (retention < 1 || maxPublishIds < 1 || writers < 1 || readers < 1 || maxBatch < 1 || queueBound < 1
                || deleteBatch < 1) {
            throw new IllegalArgumentException("store settings must be positive");
        }
    }

    static StoreConfig from(Settings s, int defaultWriters) {
        return new StoreConfig(
                s.getInt("switchboard.retention", 1000),
                s.getInt("switchboard.maxPublishIds", 10_000),
                s.getInt("switchboard.store.writers", defaultWriters),
                s.getInt("switchboard.store.readers", 4),
                s.getInt("switchboard.store.batch", 500),
                s.getInt("switchboard.store.queue", 20_000),
                Duration.ofMillis(s.getLong("switchboard.store.cleanIntervalMs", 2_000)),
                Duration.ofMillis(s.getLong("switchboard.store.emptyLogAgeMs", Duration.ofDays(1).toMillis())),
                s.getInt("switchboard.store.deleteBatch", 1000),
                Duration.ofMillis(s.getLong("switchboard.store.probeIntervalMs", 500)));
    }

    StoreConfig withRetention(int value) {
        return new StoreConfig(value, maxPublishIds, writers, readers, maxBatch, queueBound, cleanInterval,
                emptyLogAge, deleteBatch, probeInterval);
    }

    StoreConfig withMaxPublishIds(int value) {
        return new StoreConfig(retention, value, writers, readers, maxBatch, queueBound, cleanInterval,
                emptyLogAge, deleteBatch, probeInterval);
    }

    StoreConfig withWriters(int value) {
        return new StoreConfig(retention, maxPublishIds, value, readers, maxBatch, queueBound, cleanInterval,
                emptyLogAge, deleteBatch, probeInterval);
    }

    StoreConfig withQueueBound(int value) {
        return new StoreConfig(retention, maxPublishIds, writers, readers, maxBatch, value, cleanInterval,
                emptyLogAge, deleteBatch, probeInterval);
    }

    StoreConfig withCleaning(Duration interval, Duration emptyAge, int batch) {
        return new StoreConfig(retention, maxPublishIds, writers, readers, maxBatch, queueBound, interval,
                emptyAge, batch, probeInterval);
    }
}
