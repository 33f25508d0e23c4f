package io.switchboard.browser;

import io.switchboard.Settings;
import io.switchboard.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The standalone server on a free loopback port, restartable on the same port. */
final class BrowserServer implements AutoCloseable {

    static final String PUBLISH_KEY = "browser-test-key";

    // HTTP/1.1: by default the JDK client asks for an h2c upgrade, which the server leaves hanging.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    // Refs of the plain client's say frames: unique, since the server publishes a repeated ref only once.
    private static final AtomicInteger REFS = new AtomicInteger();

    private StandaloneServer server;
    private int port;

    static BrowserServer start() throws IOException {
        BrowserServer started = new BrowserServer();
        started.startOn(0);
        return started;
    }

    private void startOn(int requestedPort) throws IOException {
        server = new StandaloneServer(Settings.of(Map.of(
                "switchboard.host", "127.0.0.1",
                "switchboard.port", Integer.toString(requestedPort),
                "switchboard.auth", "dev",
                "switchboard.store", "memory",
                "switchboard.publishKey", PUBLISH_KEY)));
        port = server.start();
    }

    String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** The demo page, connected as `user` in `room`. */
    String demo(String user, String room) {
        return base() + "?user=" + user + "&room=" + room;
    }

    /** The demo page with its own connections, as in a browser without SharedWorker (?shared=0). */
    String demoPerTab(String user, String room) {
        return demo(user, room) + "&shared=0";
    }

    /** Open WebSocket connections on the server now, every endpoint and user together. */
    int connections() {
        StandaloneServer running = server;
        return running == null ? 0 : running.switchboard().transport().connections().size();
    }

    /** Polls the connection count until it is `expected`, failing after `timeout`. */
    void awaitConnections(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = connections();
        while (seen != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + expected
                        + " open connections on the server; there are " + seen);
            }
            Thread.sleep(100);
            seen = connections();
        }
    }

    /** GET /api/rooms/{room}/messages: the JSON body (the latest page of the room's history). */
    String roomMessages(String room) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "api/rooms/" + room + "/messages?limit=100"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + PUBLISH_KEY)
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET messages of " + room + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Starts again on the port it had: what a page sees when the server restarts. */
    void startAgain() throws IOException {
        startOn(port);
    }

    /** POST /api/notifications to one user; returns the HTTP status. */
    int publishTo(String user, String title, String body) throws IOException, InterruptedException {
        String json = "{\"user\":" + quote(user) + ",\"title\":" + quote(title) + ",\"body\":" + quote(body) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "api/notifications"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + PUBLISH_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Says `text` in `room` as `user` from a plain (non-browser) client and waits for the ack. */
    void say(String user, String room, String text) throws Exception {
        say(user, room, List.of(text));
    }

    /**
     * Says each of `texts` in `room` as `user` from a plain (non-browser) client, paced under the
     * server's rate limit, and waits for every ack.
     */
    void say(String user, String room, List<String> texts) throws Exception {
        CompletableFuture<Void> welcomed = new CompletableFuture<>();
        CompletableFuture<Void> failed = new CompletableFuture<>();
        CountDownLatch acks = new CountDownLatch(texts.size());
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder frame = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    String received = frame.toString();
                    frame.setLength(0);
                    if (received.contains("\"type\":\"welcome\"")) {
                        welcomed.complete(null);
                    } else if (received.contains("\"type\":\"ack\"")) {
                        acks.countDown();
                    } else if (received.contains("\"type\":\"error\"")) {
                        failed.completeExceptionally(new AssertionError("the server answered " + received));
                    }
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                failed.completeExceptionally(new AssertionError("closed " + code + " " + reason));
                return null;
            }
        };
        WebSocket socket = http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/" + room + "?user=" + user), listener)
                .get(5, TimeUnit.SECONDS);
        try {
            CompletableFuture.anyOf(welcomed, failed).get(5, TimeUnit.SECONDS);
            int n = 0;
            for (String text : texts) {
                n++;
                socket.sendText("{\"type\":\"say\",\"ref\":\"java-" + REFS.incrementAndGet() + "\",\"text\":" + quote(text) + "}", true)
                        .get(5, TimeUnit.SECONDS);
                if (n >= 15) {
                    Thread.sleep(120); // the burst is 20, then 10 a second
                }
            }
            if (failed.isCompletedExceptionally()) {
                failed.get();
            }
            if (!acks.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError(acks.getCount() + " of " + texts.size() + " messages were not acknowledged");
            }
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }

    private static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    @Override
    public void close() {
        stop();
    }
}
