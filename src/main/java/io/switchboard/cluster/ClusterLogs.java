package io.switchboard.cluster;

import io.switchboard.channel.Items;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.NumberedLog;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The logs of a cluster node: every handle wraps the shared log in a {@link ClusterLog}, and this
 * routes the bus's announcements and signals to the handles open here, and checks logs again when
 * an announcement may have been lost (a gap on the bus, a node gone, the periodic sweep).
 */
final class ClusterLogs implements LogStore {

    /** How long a publish waits for the other nodes' counts of {@code delivered}. */
    static final long COUNT_WAIT_MILLIS = 1_000;

    private final LogStore base;
    private final Bus bus;
    private final Supplier<Set<UUID>> members;
    private final AtomicLong counts = new AtomicLong();
    /** Counts of delivered waiting for other nodes' answers, by request; each removed when it completes. */
    private final Map<String, Counting> waiting = new ConcurrentHashMap<>();
    /** Handles open on this node by log name; entries exist only while a handle is open. */
    private final ConcurrentHashMap<String, Set<ClusterLog<?>>> open = new ConcurrentHashMap<>();

    ClusterLogs(LogStore base, Bus bus, Supplier<Set<UUID>> members) {
        this.base = base;
        this.bus = bus;
        this.members = members;
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

    /**
     * Announces an item whose publisher answers {@code delivered}: completes with how many members
     * the other nodes queued it to, once every other node answered or after {@link #COUNT_WAIT_MILLIS}
     * (a node that died meanwhile counts 0).
     */
    CompletableFuture<Integer> announceCounted(String log, String json) {
        Set<UUID> others = new HashSet<>(members.get());
        others.remove(bus.self());
        if (others.isEmpty()) {
            announce(log, json);
            return CompletableFuture.completedFuture(0);
        }
        String id = Long.toString(counts.incrementAndGet(), 36);
        Counting counting = new Counting(others);
        waiting.put(id, counting);
        counting.total.whenComplete((sum, error) -> waiting.remove(id));
        CompletableFuture.delayedExecutor(COUNT_WAIT_MILLIS, TimeUnit.MILLISECONDS).execute(counting::giveUp);
        bus.send(Bus.shard(log), Bus.COUNT_ASK, log, json, id);
        return counting.total;
    }

    /** A log message from another node. */
    void received(UUID origin, byte kind, List<String> fields) {
        if (kind == Bus.COUNT) { // fields: request, asker, count
            Counting counting = fields.get(1).equals(bus.self().toString()) ? waiting.get(fields.get(0)) : null;
            if (counting != null) {
                counting.answered(origin, Integer.parseInt(fields.get(2)));
            }
            return;
        }
        Set<ClusterLog<?>> logs = open.getOrDefault(fields.get(0), Set.of());
        int queued = 0;
        for (ClusterLog<?> log : logs) {
            if (kind == Bus.ANNOUNCE || kind == Bus.COUNT_ASK) {
                queued += log.announced(fields.get(1));
            } else if (kind == Bus.SIGNAL) {
                log.signalled(fields.get(2), fields.get(1)); // fields: log, exceptUser, text
            }
        }
        if (kind == Bus.COUNT_ASK) { // fields: log, json, request; every node answers, 0 when no one here listens
            bus.send(Bus.shard(fields.get(0)), Bus.COUNT, fields.get(2), origin.toString(), Integer.toString(queued));
        }
    }

    /** A node left: counts waiting for it stop waiting. */
    void nodeLeft(UUID node) {
        waiting.values().forEach(counting -> counting.answered(node, 0));
    }

    /** One announcement's count: the nodes still to answer, and the sum so far. */
    private static final class Counting {
        final Set<UUID> pending;
        final CompletableFuture<Integer> total = new CompletableFuture<>();
        private int sum;

        Counting(Set<UUID> pending) {
            this.pending = pending;
        }

        synchronized int sum() {
            return sum;
        }

        /** The time is up: what was counted so far is the answer. */
        void giveUp() {
            total.complete(sum());
        }

        void answered(UUID node, int count) {
            boolean done;
            synchronized (this) {
                if (!pending.remove(node)) {
                    return;
                }
                sum += count;
                done = pending.isEmpty();
            }
            if (done) {
                total.complete(sum());
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
