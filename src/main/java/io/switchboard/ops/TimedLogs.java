package io.switchboard.ops;

import io.micrometer.core.instrument.Timer;
import io.switchboard.channel.Items;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LogStore} whose logs time their appends and reads ({@code switchboard_store_seconds{op}}),
 * from the call to the store's answer, whatever the store: memory, a database, a data grid. The
 * futures handed back are the store's own, untouched: the timer only listens to them.
 */
final class TimedLogs implements LogStore {

    private final LogStore logs;
    private final Timer appends;
    private final Timer reads;

    TimedLogs(LogStore logs, Timer appends, Timer reads) {
        this.logs = logs;
        this.appends = appends;
        this.reads = reads;
    }

    @Override
    public <T> NumberedLog<T> open(String name, Items<T> items) {
        return new Timed<>(logs.open(name, items));
    }

    private final class Timed<T> implements NumberedLog<T> {
        private final NumberedLog<T> log;

        Timed(NumberedLog<T> log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<Position> position() {
            return log.position();
        }

        @Override
        public CompletableFuture<Appended<T>> append(T draft, String key) {
            return timed(appends, log.append(draft, key));
        }

        @Override
        public CompletableFuture<List<T>> read(long from, int max) {
            return timed(reads, log.read(from, max));
        }

        @Override
        public void listen(Listener<T> listener) {
            log.listen(listener);
        }

        @Override
        public void signal(String text, String exceptUser) {
            log.signal(text, exceptUser);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    private static <R> CompletableFuture<R> timed(Timer timer, CompletableFuture<R> answer) {
        long start = System.nanoTime();
        answer.whenComplete((result, error) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        return answer;
    }
}
