package io.switchboard.standalone;

import io.switchboard.transport.ArrivalClock;
import io.switchboard.transport.Outbox;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Handles a connection's I/O on the selector thread that saw it ready, as Node and Netty do, while
 * that thread keeps up; once a selector round has run longer than a budget, the rest of the round's
 * reads go to the worker pool, as Grizzly's {@link WorkerThreadIOStrategy} would send them all.
 *
 * <p>Why on the selector: under the worker strategy each inbound frame costs a hand-over to a worker
 * and a selector wake-up (an {@code eventfd} write) to re-enable the connection's read interest
 * afterwards: most of a round trip's CPU in a profile. Nothing on the WebSocket path waits (store
 * calls return futures, sends go to bounded queues and are written without blocking, timers run on
 * their own threads), so it may run there. HTTP handlers still run on the worker pool: Grizzly's
 * {@code RequestExecutorProvider} hands them over from a selector thread.
 *
 * <p>Why the budget: a selector busy handling reads is not watching for new ones, so it cannot tell
 * when they arrived ({@link ArrivalClock}; the rate limits count frames by arrival). A cold server
 * (nothing compiled yet) can take most of a second over one round; paced clients were then limited.
 * With the budget, the selector is back at its select within about the budget plus one connection's
 * handling, and what waits for a worker carries the time it was handed over.
 */
final class SelectorFirstStrategy extends AbstractIOStrategy {

    private final long budgetNanos;

    private SelectorFirstStrategy(long budgetNanos) {
        this.budgetNanos = budgetNanos;
    }

    /**
     * Puts this strategy on {@code transport}, keeping a worker pool for the reads it hands over and for
     * HTTP handlers. Call before {@link ArrivalStamping#install}, which stamps the selector's rounds.
     */
    static void install(TCPNIOTransport transport, long budgetMillis) {
        ThreadPoolConfig workers = transport.getWorkerThreadPoolConfig();
        SelectorFirstStrategy strategy = new SelectorFirstStrategy(TimeUnit.MILLISECONDS.toNanos(budgetMillis));
        if (workers == null) {
            workers = strategy.createDefaultWorkerPoolConfig(transport);
        }
        transport.setIOStrategy(strategy);
        transport.setWorkerThreadPoolConfig(workers);
    }

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled) throws IOException {
        if (getThreadPoolFor(connection, ioEvent) != null && overBudget()) {
            return WorkerThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }
        if (ioEvent != IOEvent.READ) {
            return SameThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }
        return readInOneScope(connection, isIoEventEnabled);
    }

    /**
     * Handles a read with every frame in it under one {@link Outbox} scope, so the replies to a read's
     * frames (16 pings in one read: 16 pongs) leave in one write per connection, not one write each.
     * Order against what Tyrus writes itself while it works through the read (the pong to a client's
     * ping, a close) is kept by {@link FlushingWriter}, which flushes a connection's held frames before
     * any such write.
     */
    private static boolean readInOneScope(Connection connection, boolean isIoEventEnabled) throws IOException {
        IOException[] failed = new IOException[1];
        boolean handled = Outbox.call(() -> {
            try {
                return SameThreadIOStrategy.getInstance().executeIoEvent(connection, IOEvent.READ, isIoEventEnabled);
            } catch (IOException e) {
                failed[0] = e;
                return false;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return handled;
    }

    /**
     * True when this selector round began more than the budget ago: {@link ArrivalStamping} marks the
     * selector thread with the time its select returned. Never true off a selector thread.
     */
    private boolean overBudget() {
        return System.nanoTime() - ArrivalClock.now() > budgetNanos;
    }
}
