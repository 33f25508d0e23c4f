package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** What every hostile case checks afterwards: a normal client is still served, and the heap did not grow without bound. */
final class Hostile {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** Generous: the server keeps logs and per-connection state; a leak from a hostile case would be far larger. */
    static final long HEAP_SLACK = 64L << 20;
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Hostile() {
    }

    /** A fresh room name, so cases do not see each other's presence. */
    static String room() {
        return "hostile-" + ROOMS.incrementAndGet();
    }

    /** Joins a room as a well-behaved client, says something and expects the ack. */
    static void normalClientIsServed(RunningServer server) {
        String room = room();
        try (WsRecorder normal = WsRecorder.open(server.ws("/chat/" + room + "?user=normal"))) {
            normal.expect(Welcome.class);
            normal.send("{\"type\":\"say\",\"text\":\"still here\",\"ref\":\"ok\"}");
            assertEquals("ok", normal.await(Ack.class).ref());
        }
    }

    /** Used heap after a full collection, in bytes (the server runs in this JVM). */
    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /**
     * Publishes over HTTP/1.1. The JDK client's default first tries {@code Upgrade: h2c}, and Grizzly then
     * treats the request body as an upgraded stream: the handler's read blocks until the request deadline.
     */
    static HttpResponse<String> publish(RunningServer server, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.http("/api/notifications")))
                .timeout(WAIT)
                .header("Authorization", "Bearer " + RunningServer.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void heapStaysBounded(long before) {
        long after = usedHeapAfterGc();
        assertTrue(after - before < HEAP_SLACK, () -> "heap grew by " + ((after - before) >> 20) + " MiB");
    }
}
