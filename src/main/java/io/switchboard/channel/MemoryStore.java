package io.switchboard.channel;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Everything on the heap, for one node: nothing survives a restart (each log starts a new epoch).
 *
 * <p>Bounded twice. At most {@code maxLogs} logs, and at most {@code budgetBytes} of retained items
 * across all of them. Past either bound the least recently used room or topic log that no channel
 * holds open is forgotten whole (a client coming back is told {@code recovered: false}: honest).
 * An inbox holds what the server acknowledged to a publisher, so it is never forgotten while it
 * holds anything: when nothing else can give way, the append is refused ({@link StoreFull}) instead.
 */
public final class MemoryStore implements Store {

    private final int retention;
    private final int maxLogs;
    private final Budget budget;
    private final MemoryPresence presence = new MemoryPresence();
    private final MemoryPublishIds publishIds;
    /** Guarded by {@code this}; in access order, eldest first. */
    private final LinkedHashMap<String, Held> logs = new LinkedHashMap<>(16, 0.75f, true);

    public MemoryStore(int retention, int maxLogs, long budgetBytes, int maxPublishIds) {
        this.retention = retention;
        this.maxLogs = maxLogs;
        this.budget = new Budget(budgetBytes);
        this.publishIds = new MemoryPublishIds(maxPublishIds);
    }

    /** A log and how many handles hold it open. */
    private static final class Held {
        final MemoryLog<?> log;
        int handles;

        Held(MemoryLog<?> log) {
            this.log = log;
        }
    }

    /** The bytes of every log's retained items, against the store's budget. */
    final class Budget {
        private final long max;
        /** Guarded by the store. */
        private long used;

        Budget(long max) {
            this.max = max;
        }

        /** Takes {@code bytes} (negative gives back); false when even forgetting idle logs leaves no room. */
        boolean reserve(long bytes, MemoryLog<?> asking) {
            synchronized (MemoryStore.this) {
                while (bytes > 0 && used + bytes > max) {
                    if (!forgetOne(asking)) {
                        return false;
                    }
                }
                used += bytes;
                return true;
            }
        }
    }

    @Override
    public LogStore logs() {
        return new LogStore() {
            @Override
            public <T> NumberedLog<T> open(String name, Items<T> items) {
                MemoryLog<T> log = hold(name);
                log.adopt(items);
                return new Handle<>(log);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private synchronized <T> MemoryLog<T> hold(String name) {
        Held held = find(name);
        held.handles++;
        return (MemoryLog<T>) held.log;
    }

    private Held find(String name) {
        Held held = logs.get(name);
        if (held == null) {
            while (logs.size() >= maxLogs && forgetOne(null)) {
                // Forgot the eldest idle log.
            }
            held = new Held(new MemoryLog<>(name, retention, null, budget));
            logs.put(name, held);
        }
        return held;
    }

    private synchronized void release(MemoryLog<?> log) {
        Held held = logs.get(log.name);
        if (held != null && held.log == log && held.handles > 0) {
            held.handles--;
        }
    }

    /** Forgets the eldest log nobody holds that may go; false when none may. */
    private boolean forgetOne(MemoryLog<?> keep) {
        for (Iterator<Map.Entry<String, Held>> it = logs.entrySet().iterator(); it.hasNext(); ) {
            Held held = it.next().getValue();
            if (held.handles == 0 && held.log != keep && mayForget(held.log)) {
                it.remove();
                budget.used -= held.log.bytes();
                return true;
            }
        }
        return false;
    }

    private static boolean mayForget(MemoryLog<?> log) {
        return !log.name.startsWith("inbox:") || log.isEmpty();
    }

    /** For tests and metrics: the bytes of retained items. */
    public synchronized long usedBytes() {
        return budget.used;
    }

    public synchronized int logCount() {
        return logs.size();
    }

    private <R> CompletableFuture<R> onLog(String name, Function<MemoryLog<?>, R> action) {
        MemoryLog<?> log;
        synchronized (this) {
            log = find(name).log;
        }
        return CompletableFuture.completedFuture(action.apply(log));
    }

    private final ReadMarks marks = new ReadMarks() {
        @Override
        public CompletableFuture<Long> get(String log, String user) {
            return onLog(log, found -> found.mark(user));
        }

        @Override
        public CompletableFuture<Long> advance(String log, String user, long upTo) {
            return onLog(log, found -> found.advance(user, upTo));
        }

        @Override
        public CompletableFuture<Map<String, Long>> marks(String log, Collection<String> users) {
            return onLog(log, found -> found.marks(List.copyOf(users)));
        }
    };

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public ReadMarks readMarks() {
        return marks;
    }

    @Override
    public PublishIds publishIds() {
        return publishIds;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public void close() {
    }

    /** One channel's hold on a log. Memory answers at once: every future is already complete. */
    private final class Handle<T> implements NumberedLog<T> {
        private final MemoryLog<T> log;
        private NumberedLog.Listener<T> listener;
        private boolean closed;

        Handle(MemoryLog<T> log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<Position> position() {
            return CompletableFuture.completedFuture(log.position());
        }

        @Override
        public CompletableFuture<Appended<T>> append(T draft, String key) {
            try {
                return CompletableFuture.completedFuture(log.append(draft, key));
            } catch (StoreFull e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<List<T>> read(long from, int max) {
            return CompletableFuture.completedFuture(log.read(from, max));
        }

        @Override
        public synchronized void listen(Listener<T> listener) {
            if (this.listener != null) {
                throw new IllegalStateException("one listener per handle");
            }
            this.listener = listener;
            log.listeners.add(listener);
        }

        /** One node: its members already had the frame, and there is no other node to tell. */
        @Override
        public void signal(String text, String exceptUser) {
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (listener != null) {
                log.listeners.remove(listener);
            }
            release(log);
        }
    }
}
