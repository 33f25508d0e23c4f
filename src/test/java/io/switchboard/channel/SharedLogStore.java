package io.switchboard.channel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Several nodes in one test sharing each channel's log, as a clustered store will: one numbering
 * for all, and what one node appends reaches the others through {@link NumberedLog#onRemoteAppend}.
 */
public final class SharedLogStore {

    private final int retention;
    private final Map<String, Shared<?>> logs = new ConcurrentHashMap<>();

    public SharedLogStore(int retention) {
        this.retention = retention;
    }

    /** One node's view of the shared logs. */
    public LogStore node() {
        return new LogStore() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> NumberedLog<T> open(String channel) {
                Shared<T> shared = (Shared<T>) logs.computeIfAbsent(channel, name -> new Shared<>(new MemoryLog<>(retention)));
                return shared.view();
            }
        };
    }

    private static final class Shared<T> {
        final MemoryLog<T> log;
        final List<View> views = new CopyOnWriteArrayList<>();

        Shared(MemoryLog<T> log) {
            this.log = log;
        }

        View view() {
            View view = new View();
            views.add(view);
            return view;
        }

        final class View implements NumberedLog<T> {
            private final List<Consumer<T>> remote = new CopyOnWriteArrayList<>();

            @Override
            public String epoch() {
                return log.epoch();
            }

            @Override
            public long latest() {
                return log.latest();
            }

            @Override
            public T append(LongFunction<T> factory) {
                T item = log.append(factory);
                for (View other : views) {
                    if (other != this) {
                        other.remote.forEach(listener -> listener.accept(item));
                    }
                }
                return item;
            }

            @Override
            public Recovery<T> recover(Long since, String epoch) {
                return log.recover(since, epoch);
            }

            @Override
            public Page<T> before(Long before, int limit) {
                return log.before(before, limit);
            }

            @Override
            public List<T> after(long seq) {
                return log.after(seq);
            }

            @Override
            public long firstRetained() {
                return log.firstRetained();
            }

            @Override
            public void onRemoteAppend(Consumer<T> listener) {
                remote.add(listener);
            }
        }
    }
}
