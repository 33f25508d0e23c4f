package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests that records every frame and the close, with bounded waits
 * ({@code await(Ack.class)}, {@code awaitClose()}). Built on the JDK's client, whose flow control
 * lets a test stop reading ({@link #stopReading()}) to play a slow consumer.
 */
public final class WsRecorder implements WebSocket.Listener, AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicLong SYNC = new AtomicLong();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading = true;
    private volatile String closeReason;
    private WebSocket socket;

    private WsRecorder() {
    }

    public static WsRecorder open(String url) {
        return open(url, Map.of());
    }

    public static WsRecorder open(String url, Map<String, String> headers) {
        WsRecorder recorder = new WsRecorder();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            recorder.socket = builder.buildAsync(URI.create(url), recorder).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("could not open " + url, e);
        }
        return recorder;
    }

    /** The HTTP status of a refused handshake; fails if the handshake succeeds. */
    public static int refusedStatus(String url, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            WebSocket opened = builder.buildAsync(URI.create(url), new WebSocket.Listener() { })
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            opened.abort();
            throw new AssertionError("handshake to " + url + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("handshake failed without a status", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("handshake to " + url + " did not answer", e);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
    }

    /** The next frame as text, within {@link #WAIT}. */
    public String nextText() {
        try {
            String text = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                fail("no frame within " + WAIT);
            }
            return text;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public ServerMessage next() {
        return Codec.standard().server().decode(nextText());
    }

    /** The next frame, or null once the connection has closed and every frame before the close was read. */
    public ServerMessage nextOrNullOnClose() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String text = texts.poll(20, TimeUnit.MILLISECONDS);
                if (text != null) {
                    return Codec.standard().server().decode(text);
                }
                if (closeCode.isDone() && texts.isEmpty()) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return fail("neither a frame nor a close within " + WAIT);
    }

    /** The next frame, which must be of {@code type}. */
    public <T extends ServerMessage> T expect(Class<T> type) {
        ServerMessage message = next();
        if (!type.isInstance(message)) {
            fail("expected " + type.getSimpleName() + " but got " + message);
        }
        return type.cast(message);
    }

    /** The first frame of {@code type}, skipping others, within {@link #WAIT}. */
    public <T extends ServerMessage> T await(Class<T> type) {
        return await(type, any -> true);
    }

    public <T extends ServerMessage> T await(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text;
            try {
                text = texts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (text == null) {
                break;
            }
            ServerMessage message = Codec.standard().server().decode(text);
            if (type.isInstance(message) && matching.test(type.cast(message))) {
                return type.cast(message);
            }
        }
        return fail("no matching " + type.getSimpleName() + " within " + WAIT);
    }

    /** Asserts that nothing arrives for {@code quiet}. */
    public void expectSilence(Duration quiet) {
        try {
            assertNull(texts.poll(quiet.toMillis(), TimeUnit.MILLISECONDS), "expected no frame");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public void send(String json) {
        try {
            socket.sendText(json, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("send failed", e);
        }
    }

    public void sendBinary(byte[] data) {
        try {
            socket.sendBinary(ByteBuffer.wrap(data), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("send failed", e);
        }
    }

    /** Sends without failing when the server has already closed; returns whether the frame left. */
    public boolean trySend(String json) {
        try {
            socket.sendText(json, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException | ExecutionException | TimeoutException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Sends a {@code ping} with a fresh ref and returns every frame that arrived before its {@code pong}.
     * The server answers a connection's frames in order, so a frame it queued for this connection
     * before handling the ping is in the list, and one it never sent is not: a bounded way to say
     * "nothing was sent", with no sleep.
     */
    public List<ServerMessage> roundTrip() {
        String ref = "sync-" + SYNC.incrementAndGet();
        send("{\"type\":\"ping\",\"ref\":\"" + ref + "\"}");
        List<ServerMessage> before = new ArrayList<>();
        while (true) {
            ServerMessage message = next();
            if (message instanceof ServerMessage.Pong pong && ref.equals(pong.ref())) {
                return before;
            }
            before.add(message);
        }
    }

    /** Asserts that no frame arrived before the answer to a fresh {@code ping}. */
    public void expectNothingPending() {
        assertEquals(List.of(), roundTrip(), "frames the server sent");
    }

    /** True when no frame has arrived that the test has not read yet. */
    public boolean nothingReceived() {
        return texts.isEmpty();
    }

    /** The close code the server sent, within {@link #WAIT} (1006 when the connection just dropped). */
    public int awaitClose() {
        try {
            return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("not closed within " + WAIT, e);
        }
    }

    public void awaitClose(int expected) {
        assertEquals(expected, awaitClose(), () -> "close code (reason: " + closeReason + ")");
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Stops asking for frames: the socket stops being read, as by a client that fell behind. */
    public void stopReading() {
        reading = false;
    }

    /** Reads again, everything the server sends from now on. */
    public void resumeReading() {
        reading = true;
        socket.request(Long.MAX_VALUE);
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS);
        }
        if (socket != null) {
            socket.abort();
        }
    }
}
