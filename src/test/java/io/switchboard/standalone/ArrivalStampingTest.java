package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.transport.ArrivalClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.junit.jupiter.api.Test;

class ArrivalStampingTest {

    @Test
    void workQueuedForABusyWorkerKeepsTheTimeItWasHandedOver() throws Exception {
        NetworkListener listener = new NetworkListener("stamping-test", "127.0.0.1", 0);
        ArrivalStamping.install(listener);
        ArrivalStamping.install(listener);
        ExecutorService pool = listener.getTransport().getWorkerThreadPool();
        assertInstanceOf(ArrivalStamping.class, pool, "installed once, then left alone");
        try {
            int workers = listener.getTransport().getWorkerThreadPoolConfig().getMaxPoolSize();
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < workers; i++) {
                pool.execute(() -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            long handedOver = System.nanoTime();
            CompletableFuture<Long> seen = new CompletableFuture<>();
            pool.execute(() -> seen.complete(ArrivalClock.now()));
            Thread.sleep(300);
            release.countDown();
            long arrival = seen.get(10, TimeUnit.SECONDS);
            assertTrue(arrival - handedOver >= 0 && arrival - handedOver < TimeUnit.MILLISECONDS.toNanos(250),
                    "the queued task saw its hand-over time, not the time it ran: " + (arrival - handedOver) / 1_000_000 + " ms");
            CompletableFuture<Long> after = new CompletableFuture<>();
            pool.execute(() -> after.complete(0L));
            after.get(10, TimeUnit.SECONDS);
            assertEquals(true, ArrivalClock.now() - System.nanoTime() <= 0);
        } finally {
            pool.shutdownNow();
        }
    }
}
