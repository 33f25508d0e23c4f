package io.switchboard.cluster;

import io.switchboard.channel.Items;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.NumberedLog;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The logs of a cluster node: every handle wraps the shared log in a {@link ClusterLog}, and this
 * routes the bus's announcements and signals to the handles open here, and checks logs again when
 * an announcement may have been lost (a gap on the bus, a node gone, the periodic sweep).
 */
final class ClusterLogs implements LogStore {

    private final LogStore base;
    private final Bus bus;
    /** Handles open on this node by log name; entries exist only while a handle is open. */
    private final ConcurrentHashMap<String, Set<ClusterLog<?>>> open = new ConcurrentHashMap<>();

    ClusterLogs(LogStore base, Bus bus) {
        this.base = base;
        this.bus = bus;
    }

    @Override
    public <T> NumberedLog<T> open(String name, Items<T> items) {
        return new ClusterLog<>(this, name, base.open(name, items), items);
    }

    void opened(ClusterLog<?> log) {
        open.computeIfAbsent(log.name, n -> new CopyOnWriteArraySet<>()).add(log);
    }

    void closed(ClusterLog<?> log) {
        open.computeIfPresent(log.name, (n, logs) -> {
            logs.remove(log);
            return logs.isEmpty() ? null : logs;
        });
    }

    void announce(String log, String json) {
        bus.send(Bus.shard(log), Bus.ANNOUNCE, log, json);
    }

    void signal(String log, String text, String exceptUser) {
        bus.send(Bus.shard(log), Bus.SIGNAL, log, exceptUser, text);
    }

    /** A log message from another node. */
    void received(byte kind, List<String> fields) {
        Set<ClusterLog<?>> logs = open.get(fields.get(0));
        if (logs == null) {
            return; // no one here listens to that log
        }
        for (ClusterLog<?> log : logs) {
            if (kind == Bus.ANNOUNCE) {
                log.announced(fields.get(1));
            } else if (kind == Bus.SIGNAL) {
                log.signalled(fields.get(2), fields.get(1)); // fields: log, exceptUser, text
            }
        }
    }

    /** Checks the logs open here on {@code shard} ({@code -1}: all of them). */
    void check(int shard) {
        each(log -> {
            if (shard < 0 || Bus.shard(log.name) == shard) {
                log.check();
            }
        });
    }

    void each(Consumer<ClusterLog<?>> action) {
        open.values().forEach(logs -> logs.forEach(action));
    }
}
