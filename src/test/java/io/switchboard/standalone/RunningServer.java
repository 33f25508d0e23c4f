package io.switchboard.standalone;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import io.switchboard.channel.Store;
import io.switchboard.WsRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A standalone server on a free loopback port, publish key {@value #KEY}. For one test class:
 * {@code @RegisterExtension static final RunningServer server = RunningServer.perClass();}
 */
public final class RunningServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String KEY = "test-publish-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WsRecorder.WAIT).build();

    private final StandaloneServer server;
    private volatile int port;

    private RunningServer(Map<String, String> settings) {
        this(settings, null);
    }

    private RunningServer(Map<String, String> settings, Store store) {
        Map<String, String> all = new HashMap<>(Map.of(
                "switchboard.host", "127.0.0.1",
                "switchboard.port", "0",
                "switchboard.auth", "dev",
                "switchboard.store", "memory",
                "switchboard.publishKey", KEY));
        all.putAll(settings);
        this.server = new StandaloneServer(Settings.of(all), store);
    }

    private RunningServer started() {
        try {
            this.port = server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public static RunningServer start() {
        return new RunningServer(Map.of()).started();
    }

    /** With some settings overridden, such as {@code switchboard.retention}. */
    public static RunningServer start(Map<String, String> settings) {
        return new RunningServer(settings).started();
    }

    /** On {@code store}, shared with other servers in this JVM as a clustered store would be. */
    public static RunningServer start(Map<String, String> settings, Store store) {
        return new RunningServer(settings, store).started();
    }

    /** A server that a test class registers as an extension: started before its tests, stopped after. */
    public static RunningServer perClass() {
        return new RunningServer(Map.of());
    }

    public static RunningServer perClass(Map<String, String> settings) {
        return new RunningServer(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        started();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public int port() {
        return port;
    }

    public Switchboard switchboard() {
        return server.switchboard();
    }

    public String http(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String ws(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    /** Joins {@code room} as {@code user} and returns the recorder, its welcome already read. */
    public WsRecorder chat(String room, String user) {
        WsRecorder recorder = WsRecorder.open(ws("/chat/" + room + "?user=" + user));
        recorder.expect(io.switchboard.protocol.ServerMessage.Welcome.class);
        return recorder;
    }

    /** Opens the notification stream as {@code user} and returns the recorder, its welcome already read. */
    public WsRecorder notifications(String user) {
        WsRecorder recorder = WsRecorder.open(ws("/notifications?user=" + user));
        recorder.expect(io.switchboard.protocol.ServerMessage.Welcome.class);
        return recorder;
    }

    /** A GET with the publish key. */
    public HttpResponse<String> getWithKey(String path) {
        return get(path, Map.of("Authorization", "Bearer " + KEY));
    }

    /**
     * Waits, bounded by {@link WsRecorder#WAIT}, until the server counts {@code expected} open
     * connections: a client's close reaches the server asynchronously, and some tests must know it did.
     */
    public void awaitConnections(int expected) {
        long deadline = System.nanoTime() + WsRecorder.WAIT.toNanos();
        while (switchboard().transport().connections().size() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server counts " + switchboard().transport().connections().size()
                        + " connections, not " + expected + ", after " + WsRecorder.WAIT);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public HttpResponse<String> publish(String json) {
        return post("/api/notifications", json, Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"));
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http(path)))
                .timeout(WsRecorder.WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http(path))).timeout(WsRecorder.WAIT).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // A pooled keep-alive connection the server had just closed (its idle request deadline)
                // took the request and no byte of it reached the server: the client does not retry a
                // POST by itself, so do it once, on a fresh connection.
                if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                    throw e;
                }
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
