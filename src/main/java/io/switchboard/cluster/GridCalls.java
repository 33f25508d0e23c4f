package io.switchboard.cluster;

import io.switchboard.channel.StoreFull;
import io.switchboard.channel.StoreUnavailable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that make blocking grid calls, so that no caller's thread (a socket's, a timer's)
 * waits on the network. Bounded: past {@link #QUEUE} waiting calls, a call fails at once as
 * unavailable.
 */
final class GridCalls {

    static final int THREADS = 8;
    static final int QUEUE = 10_000;

    private GridCalls() {
    }

    static ExecutorService start() {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "switchboard-cluster-" + number.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Runs {@code work} on {@code calls}; any failure but a full store becomes {@link StoreUnavailable}. */
    static <R> CompletableFuture<R> call(ExecutorService calls, Work<R> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (StoreFull | StoreUnavailable e) {
                    throw e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(new StoreUnavailable("interrupted", e));
                } catch (Exception e) {
                    throw new CompletionException(new StoreUnavailable("the cluster could not be reached", e));
                }
            }, calls);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StoreUnavailable("the cluster is behind", e));
        }
    }

    @FunctionalInterface
    interface Work<R> {
        R get() throws Exception;
    }
}
