package io.switchboard.channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes in one test sharing one store, as a clustered store will: one numbering for all,
 * and what one node appends reaches the others' listeners on another thread, after a random delay,
 * so announcements arrive late and out of order, and a share of them never (the channel must read
 * the gap from the log). Appends and reads answer late too.
 */
public final class DelayedSharedStore {

    private final MemoryStore shared;
    private final int maxDelayMillis;
    private final double lost;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "delayed-shared-store");
        thread.setDaemon(true);
        return thread;
    });

    /** @param lost the share of announcements never delivered to another node (0 to 1) */
    public DelayedSharedStore(int retention, int maxDelayMillis, double lost) {
        this.shared = TestStores.memory(retention);
        this.maxDelayMillis = maxDelayMillis;
        this.lost = lost;
    }

    /** One node's view: its own appends it hears at once (as a real store tells its own node), others' late. */
    public Store node() {
        return new Store() {
            @Override
            public LogStore logs() {
                return new LogStore() {
                    @Override
                    public <T> NumberedLog<T> open(String name, Items<T> items) {
                        return new View<>(shared.logs().open(name, items));
                    }
                };
            }

            @Override
            public Presence presence() {
                return shared.presence();
            }

            @Override
            public ReadMarks readMarks() {
                return shared.readMarks();
            }

            @Override
            public PublishIds publishIds() {
                return shared.publishIds();
            }

            @Override
            public String kind() {
                return "delayed-shared";
            }

            @Override
            public void close() {
            }
        };
    }

    private <V> CompletableFuture<V> later(CompletableFuture<V> value) {
        CompletableFuture<V> delayed = new CompletableFuture<>();
        timers.schedule(() -> value.whenComplete((v, e) -> {
            if (e != null) {
                delayed.completeExceptionally(e);
            } else {
                delayed.complete(v);
            }
        }), ThreadLocalRandom.current().nextInt(maxDelayMillis + 1), TimeUnit.MILLISECONDS);
        return delayed;
    }

    private final class View<T> implements NumberedLog<T> {
        private final NumberedLog<T> log;
        /** Set while this view appends, so the shared log's synchronous announcement is known to be ours. */
        private final ThreadLocal<Boolean> appending = ThreadLocal.withInitial(() -> false);

        View(NumberedLog<T> log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<Position> position() {
            return later(log.position());
        }

        @Override
        public CompletableFuture<Appended<T>> append(T draft, String key) {
            appending.set(true);
            try {
                return later(log.append(draft, key));
            } finally {
                appending.set(false);
            }
        }

        @Override
        public CompletableFuture<List<T>> read(long from, int max) {
            return later(log.read(from, max));
        }

        @Override
        public void signal(String text, String exceptUser) {
        }

        @Override
        public void listen(Listener<T> listener) {
            log.listen(item -> {
                if (appending.get()) {
                    return; // our own: the channel hears it from the append's completion
                }
                if (ThreadLocalRandom.current().nextDouble() < lost) {
                    return;
                }
                timers.schedule(() -> listener.appended(item), ThreadLocalRandom.current().nextInt(maxDelayMillis + 1),
                        TimeUnit.MILLISECONDS);
            });
        }

        @Override
        public void close() {
            log.close();
        }
    }
}
