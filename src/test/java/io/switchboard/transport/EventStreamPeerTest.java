package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.CloseCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event stream's peer against a sink the test drives: no container, no socket. */
class EventStreamPeerTest {

    /** A response that takes bytes only while the test says it can, as a slow client's would. */
    private static final class FakeSink implements EventSink {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        Listener listener;
        boolean ready = true;
        boolean ended;
        boolean aborted;
        int readyCalls;

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void start() {
        }

        @Override
        public synchronized boolean ready() {
            readyCalls++;
            return ready;
        }

        @Override
        public synchronized void write(byte[] bytes) throws IOException {
            if (!ready) {
                throw new AssertionError("written while the sink said it could not take more");
            }
            written.writeBytes(bytes);
        }

        @Override
        public synchronized void end() {
            ended = true;
        }

        @Override
        public synchronized void abort() {
            aborted = true;
        }

        synchronized boolean isEnded() {
            return ended;
        }

        synchronized String text() {
            return written.toString(StandardCharsets.UTF_8);
        }

        /** The client reads again: the sink can take more and says so. */
        void drains() {
            synchronized (this) {
                ready = true;
            }
            listener.writable();
        }
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeSink sink = new FakeSink();
    private final EventStreamPeer peer = new EventStreamPeer(sink, "127.0.0.1", 100, scheduler, 60_000);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static Frame event(String data) {
        return Frame.of("data: " + data + "\n\n");
    }

    @Test
    void offeredEventsAreWrittenWhenTheScopeEnds() {
        Outbox.run(() -> {
            assertTrue(peer.offer(event("one")));
            assertTrue(peer.offer(event("two")));
            assertEquals("", sink.text(), "nothing is written inside the scope");
        });
        assertEquals("data: one\n\ndata: two\n\n", sink.text());
    }

    @Test
    void nothingIsWrittenWhileTheSinkCannotTakeItAndEverythingWhenItCan() {
        sink.ready = false;
        Outbox.run(() -> peer.offer(event("waits")));
        assertEquals("", sink.text());
        Outbox.run(() -> peer.offer(event("too")));
        assertEquals("", sink.text());

        sink.drains();

        assertEquals("data: waits\n\ndata: too\n\n", sink.text());
    }

    @Test
    void aQueuePastItsBoundFailsWith1013AndTheCloseEventGoesOnceTheClientReads() throws Exception {
        CompletableFuture<CloseCode> failed = new CompletableFuture<>();
        peer.onFailure((code, reason) -> {
            peer.close(code, reason); // as the connection does
            failed.complete(code);
        });
        sink.ready = false;
        Outbox.run(() -> {
            assertTrue(peer.offer(event("x".repeat(60))));
            assertFalse(peer.offer(event("y".repeat(60))), "past the bound of 100");
        });
        assertEquals(CloseCode.TOO_SLOW, failed.get(5, TimeUnit.SECONDS));

        sink.drains();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sink.isEnded() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the close may be written by the thread that handled the failure
        }

        String text = sink.text();
        assertFalse(text.contains("xxx"), "what was queued is dropped: the client recovers with Last-Event-ID");
        assertTrue(text.startsWith("event: close\ndata: {\"code\":1013,\"reason\":"), text);
        assertTrue(sink.isEnded());
    }

    @Test
    void aCloseGoesAfterWhatWasQueuedThenTheResponseEnds() throws Exception {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        peer.onEnded(() -> ended.complete(null));
        Outbox.run(() -> {
            peer.offer(event("last"));
            peer.close(CloseCode.GOING_AWAY, "server shutting down");
        });
        assertEquals("data: last\n\nevent: close\ndata: {\"code\":1001,\"reason\":\"server shutting down\"}\n\n", sink.text());
        assertTrue(sink.ended);
        ended.get(5, TimeUnit.SECONDS);
        assertFalse(peer.offer(event("after")), "nothing after the close");
    }

    @Test
    void aPingIsACommentLine() {
        Outbox.run(peer::ping);
        assertEquals(":\n\n", sink.text());
    }

    @Test
    void aClientThatLeftEndsTheStreamWithoutAnything() throws Exception {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        peer.onEnded(() -> ended.complete(null));
        sink.listener.gone();
        ended.get(5, TimeUnit.SECONDS);
        assertFalse(peer.offer(event("to nobody")));
        peer.close(CloseCode.GOING_AWAY, "bye");
        assertEquals("", sink.text());
        assertFalse(sink.ended, "the container ended it already");
    }

    @Test
    void aReasonIsQuotedAsJson() {
        assertEquals("\"say \\\"hi\\\"\\u000a\"", EventStreamPeer.quote("say \"hi\"\n"));
    }
}
