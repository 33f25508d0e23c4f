package io.switchboard.standalone;

import io.switchboard.transport.ArrivalClock;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.TransportProbe;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.DefaultSelectorHandler;
import org.glassfish.grizzly.nio.SelectorRunner;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.threadpool.GrizzlyExecutorService;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Stamps the work Grizzly hands its worker threads with the time it was handed over, which for a read
 * is when the selector saw the connection become readable: the frames in it arrived then, however
 * long they wait for a worker ({@link ArrivalClock}; the rate limits count them at that time). Reads
 * handled on the selector thread itself ({@link SelectorFirstStrategy}) carry the time the select
 * returned, however long the connections ready before them in that round take (the strategy bounds
 * that).
 *
 * <p>Why: Grizzly has a few worker threads for every WebSocket. When they fall behind (a cold start,
 * a burst from many connections, a loaded machine), a connection's reads wait in the pool's queue,
 * and a client that paced two bursts 1.9 s apart had them handled 0.9 s apart and rate-limited.
 *
 * <p>How: the listener's worker pool is built here, from the transport's own configuration, wrapped
 * so that each task carries its submission time; the pool is shut down when the transport stops.
 */
final class ArrivalStamping extends AbstractExecutorService {

    private final ExecutorService pool;

    private ArrivalStamping(ExecutorService pool) {
        this.pool = pool;
    }

    /**
     * Puts a stamping worker pool and a stamping selector handler on {@code listener}'s transport,
     * once; call before the listener starts, after its I/O strategy is set.
     */
    static void install(NetworkListener listener) {
        TCPNIOTransport transport = listener.getTransport();
        if (!(transport.getSelectorHandler() instanceof StampingSelectorHandler)) {
            transport.setSelectorHandler(new StampingSelectorHandler());
        }
        if (transport.getWorkerThreadPool() instanceof ArrivalStamping) {
            return;
        }
        ThreadPoolConfig config = transport.getWorkerThreadPoolConfig();
        if (config == null) {
            return; // no worker pool: handlers run on the selector threads, as they arrive
        }
        config = config.copy();
        config.setMemoryManager(transport.getMemoryManager());
        ExecutorService pool = GrizzlyExecutorService.createInstance(config);
        transport.setWorkerThreadPool(new ArrivalStamping(pool));
        // A pool set from outside is not the transport's to stop: stop it with the transport.
        transport.getMonitoringConfig().addProbes(new TransportProbe.Adapter() {
            @Override
            public void onStopEvent(Transport stopped) {
                pool.shutdownNow();
            }
        });
    }

    /**
     * Marks the selector thread's work after each select with the time the select returned: the keys
     * of that round became ready by then. The mark stays until the next select; what the selector runs
     * in between (queued interest changes and writes) counts nothing against a rate limit.
     */
    static final class StampingSelectorHandler extends DefaultSelectorHandler {
        @Override
        public Set<SelectionKey> select(SelectorRunner runner) throws IOException {
            Set<SelectionKey> ready = super.select(runner);
            ArrivalClock.arrivedAt(System.nanoTime());
            return ready;
        }
    }

    @Override
    public void execute(Runnable task) {
        long submitted = System.nanoTime();
        pool.execute(() -> {
            ArrivalClock.arrivedAt(submitted);
            try {
                task.run();
            } finally {
                ArrivalClock.clear();
            }
        });
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }
}
