package io.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Pong;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} on the standalone server (protocol section 10): every required metric with
 * its name, type and labels, read by parsing the text format, and the counters moving with real
 * traffic over real sockets.
 */
class MetricsStandaloneTest {

    static final int QUEUE_BYTES = 256 * 1024;
    static final String BIG = "x".repeat(16_000);

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of(
            "switchboard.maxQueuedBytes", Integer.toString(QUEUE_BYTES),
            "switchboard.maxTextLength", "20000",
            "switchboard.retention", "3000",
            "switchboard.framesPerSecond", "100000",
            "switchboard.frameBurst", "100000",
            "switchboard.closeGraceMs", "30000"));

    /** HTTP/1.1 as Prometheus speaks it: Java's default client offers h2c, which Grizzly answers without a content type. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WsRecorder.WAIT).build();

    static Scrape scrape() {
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(URI.create(server.http("/metrics"))).timeout(WsRecorder.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                answer.headers().toString());
        return Scrape.parse(answer.body());
    }

    /** Waits, bounded, until {@code value} reaches {@code atLeast}: a server-side count may trail the client's view by a moment. */
    static void awaitAtLeast(double atLeast, DoubleSupplier value, String what) {
        long deadline = System.nanoTime() + WsRecorder.WAIT.toNanos();
        double now;
        while ((now = value.getAsDouble()) < atLeast) {
            if (System.nanoTime() > deadline) {
                fail(what + " is " + now + ", not at least " + atLeast + ", after " + WsRecorder.WAIT);
            }
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every test closes what it opens; the server may still be ending the previous test's connections. */
    @BeforeEach
    void noConnectionLeftFromAnotherTest() {
        server.awaitConnections(0);
    }

    @Test
    void everyMetricOfSection10IsThereWithItsTypeAndLabels() {
        Scrape scrape = scrape();
        assertEquals("gauge", scrape.type("switchboard_connections"));
        for (String endpoint : List.of("chat", "notifications", "events")) {
            scrape.value("switchboard_connections", "endpoint", endpoint);
            scrape.value("switchboard_frames_received_total", "endpoint", endpoint);
            scrape.value("switchboard_frames_sent_total", "endpoint", endpoint);
        }
        assertEquals("counter", scrape.type("switchboard_frames_received_total"));
        assertEquals("counter", scrape.type("switchboard_frames_sent_total"));
        assertEquals("counter", scrape.type("switchboard_closes_total"));
        for (String code : List.of("1000", "1001", "1003", "1007", "1008", "1009", "1011", "1013", "4000", "4001", "4500",
                "4501", "4502")) {
            scrape.value("switchboard_closes_total", "code", code);
        }
        assertEquals("counter", scrape.type("switchboard_published_total"));
        assertEquals("histogram", scrape.type("switchboard_publish_seconds"));
        for (String kind : List.of("message", "inbox", "topic")) {
            scrape.value("switchboard_published_total", "kind", kind);
            scrape.value("switchboard_publish_seconds_count", "kind", kind);
            scrape.value("switchboard_publish_seconds_sum", "kind", kind);
            scrape.value("switchboard_publish_seconds_bucket", "kind", kind, "le", "+Inf");
            scrape.value("switchboard_publish_seconds_bucket", "kind", kind, "le", "0.001");
        }
        assertEquals("histogram", scrape.type("switchboard_fanout_seconds"));
        scrape.value("switchboard_fanout_seconds_count");
        scrape.value("switchboard_fanout_seconds_sum");
        scrape.value("switchboard_fanout_seconds_bucket", "le", "+Inf");
        assertEquals(15, scrape.samplesNamed("switchboard_fanout_seconds_bucket").size(), "14 fixed buckets and +Inf");
        assertEquals("counter", scrape.type("switchboard_queue_overflows_total"));
        scrape.value("switchboard_queue_overflows_total");

        // More, for operators.
        scrape.value("switchboard_rate_limited_total", "endpoint", "chat");
        scrape.value("switchboard_recoveries_total", "kind", "message", "recovered", "true");
        scrape.value("switchboard_recoveries_total", "kind", "inbox", "recovered", "none");
        for (String reason : List.of("origin", "rate", "identity", "forbidden", "name", "limit")) {
            scrape.value("switchboard_handshake_refusals_total", "reason", reason);
        }
        assertEquals("histogram", scrape.type("switchboard_store_seconds"));
        scrape.value("switchboard_store_seconds_bucket", "op", "append", "le", "+Inf");
        scrape.value("switchboard_store_seconds_count", "op", "read");
        assertEquals("gauge", scrape.type("switchboard_queued_bytes"));
        assertEquals(1.0, scrape.value("switchboard_check_up", "check", "store"));
    }

    @Test
    void connectionsAndFramesCountAsTrafficFlows() {
        Scrape before = scrape();
        double chatOpen = before.value("switchboard_connections", "endpoint", "chat");
        double received = before.value("switchboard_frames_received_total", "endpoint", "chat");
        double sent = before.value("switchboard_frames_sent_total", "endpoint", "chat");
        double says = before.value("switchboard_published_total", "kind", "message");
        double sayTimes = before.value("switchboard_publish_seconds_count", "kind", "message");
        double fanouts = before.value("switchboard_fanout_seconds_count");
        double appends = before.value("switchboard_store_seconds_count", "op", "append");
        try (WsRecorder alice = server.chat("metrics-room", "alice")) {
            assertEquals(chatOpen + 1, scrape().value("switchboard_connections", "endpoint", "chat"));
            alice.send("{\"type\":\"ping\",\"ref\":\"p1\"}");
            alice.expect(Pong.class);
            alice.send("{\"type\":\"say\",\"text\":\"counted\",\"ref\":\"s1\"}");
            alice.await(Ack.class);
            alice.send("{not json");
            alice.await(ServerMessage.Error.class);

            // Sent frames count as the container takes them, just after the client may have read them.
            awaitAtLeast(sent + 5, () -> scrape().value("switchboard_frames_sent_total", "endpoint", "chat"),
                    "frames sent (welcome, pong, message, ack, error)");
            Scrape after = scrape();
            assertEquals(received + 3, after.value("switchboard_frames_received_total", "endpoint", "chat"),
                    "ping, say and a malformed frame");
            assertEquals(says + 1, after.value("switchboard_published_total", "kind", "message"));
            assertEquals(sayTimes + 1, after.value("switchboard_publish_seconds_count", "kind", "message"));
            assertEquals(fanouts + 1, after.value("switchboard_fanout_seconds_count"), "one message to one member");
            assertEquals(appends + 1, after.value("switchboard_store_seconds_count", "op", "append"));
            assertTrue(after.value("switchboard_publish_seconds_bucket", "kind", "message", "le", "+Inf") >= says + 1);
        }
        awaitAtLeast(0, () -> chatOpen - scrape().value("switchboard_connections", "endpoint", "chat"),
                "the gauge going back down after the close");
    }

    @Test
    void publishesCountByKindAndRecoveriesByResult() {
        Scrape before = scrape();
        double inbox = before.value("switchboard_published_total", "kind", "inbox");
        double inboxTimes = before.value("switchboard_publish_seconds_count", "kind", "inbox");
        double topic = before.value("switchboard_published_total", "kind", "topic");
        double noSince = before.value("switchboard_recoveries_total", "kind", "inbox", "recovered", "none");
        double recovered = before.value("switchboard_recoveries_total", "kind", "inbox", "recovered", "true");
        double notifyOpen = before.value("switchboard_connections", "endpoint", "notifications");
        String epoch;
        try (WsRecorder carol = WsRecorder.open(server.ws("/notifications?user=carol"))) {
            epoch = carol.expect(Welcome.class).epoch();
            assertEquals(notifyOpen + 1, scrape().value("switchboard_connections", "endpoint", "notifications"));
            assertEquals(202, server.publish("{\"user\":\"carol\",\"title\":\"counted\"}").statusCode());
            assertEquals(202, server.publish("{\"topic\":\"metrics-topic\",\"title\":\"counted\"}").statusCode());
            carol.await(Notification.class);
        }
        try (WsRecorder carol = WsRecorder.open(server.ws("/notifications?user=carol&since=0&epoch=" + epoch))) {
            assertEquals(Boolean.TRUE, carol.expect(Welcome.class).recovered());
        }
        Scrape after = scrape();
        assertEquals(inbox + 1, after.value("switchboard_published_total", "kind", "inbox"));
        assertEquals(inboxTimes + 1, after.value("switchboard_publish_seconds_count", "kind", "inbox"));
        assertEquals(topic + 1, after.value("switchboard_published_total", "kind", "topic"));
        assertEquals(noSince + 1, after.value("switchboard_recoveries_total", "kind", "inbox", "recovered", "none"));
        assertEquals(recovered + 1, after.value("switchboard_recoveries_total", "kind", "inbox", "recovered", "true"));
    }

    @Test
    void aRefusalAfterTheHandshakeCountsItsCloseCodeAndItsReason() {
        Scrape before = scrape();
        double closes = before.value("switchboard_closes_total", "code", "4502");
        double refusals = before.value("switchboard_handshake_refusals_total", "reason", "name");
        try (WsRecorder bad = WsRecorder.open(server.ws("/chat/NOT_A_ROOM?user=alice"))) {
            bad.awaitClose(4502);
        }
        Scrape after = scrape();
        assertEquals(closes + 1, after.value("switchboard_closes_total", "code", "4502"));
        assertEquals(refusals + 1, after.value("switchboard_handshake_refusals_total", "reason", "name"));
    }

    @Test
    void closesTheWebSocketLayerSendsCountOnceEach() {
        Scrape before = scrape();
        double tooBig = before.value("switchboard_closes_total", "code", "1009");
        double notUtf8 = before.value("switchboard_closes_total", "code", "1007");
        double binary = before.value("switchboard_closes_total", "code", "1003");
        try (WsRecorder chat = server.chat("layer-room", "lee")) {
            chat.send("{\"type\":\"say\",\"text\":\"" + "x".repeat(70_000) + "\"}");
            chat.awaitClose(1009);
        }
        try (WsRecorder chat = server.chat("layer-room", "lee")) {
            chat.sendBinary(new byte[] {1});
            chat.awaitClose(1003);
        }
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/chat/layer-room?user=lee")) {
            raw.next(); // welcome
            raw.sendFrame(RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, raw.awaitClose());
        }
        // The server counts when its side of the close runs, which may trail what the client saw.
        awaitAtLeast(notUtf8 + 1, () -> scrape().value("switchboard_closes_total", "code", "1007"), "1007 closes");
        Scrape after = scrape();
        assertEquals(tooBig + 1, after.value("switchboard_closes_total", "code", "1009"));
        assertEquals(binary + 1, after.value("switchboard_closes_total", "code", "1003"));
        assertEquals(notUtf8 + 1, after.value("switchboard_closes_total", "code", "1007"));
    }

    @Test
    void aSlowClientClosedWith1013CountsAnOverflowAndItsClose() {
        Scrape before = scrape();
        double overflows = before.value("switchboard_queue_overflows_total");
        double closes = before.value("switchboard_closes_total", "code", "1013");
        int open = server.switchboard().transport().connections().size();
        try (WsRecorder slow = WsRecorder.open(server.ws("/chat/slow-metrics?user=slow"));
             WsRecorder sender = server.chat("slow-metrics", "sender")) {
            slow.expect(Welcome.class);
            slow.stopReading();
            // While the slow client is still open, the bytes queued to it show in the gauge.
            boolean queuedSeen = false;
            for (int sent = 1; server.switchboard().transport().connections().size() == open + 2; sent++) {
                if (sent > 3000) {
                    fail("the slow client was not closed after 3000 messages");
                }
                sender.send("{\"type\":\"say\",\"text\":\"" + BIG + "\",\"ref\":\"" + sent + "\"}");
                assertEquals(sent, sender.await(Ack.class).seq());
                if (!queuedSeen && sent % 10 == 0) {
                    queuedSeen = scrape().value("switchboard_queued_bytes") > 0;
                }
            }
            assertTrue(queuedSeen, "switchboard_queued_bytes above 0 while a client lags");
            slow.resumeReading();
            slow.awaitClose(1013);
        }
        Scrape after = scrape();
        assertEquals(overflows + 1, after.value("switchboard_queue_overflows_total"));
        assertEquals(closes + 1, after.value("switchboard_closes_total", "code", "1013"));
    }

    @Test
    void aMetricsKeyIsRequiredOnceSet() {
        try (RunningServer keyed = RunningServer.start(Map.of("switchboard.metricsKey", "scrape-key"))) {
            assertEquals(401, keyed.get("/metrics", Map.of()).statusCode(), "no key");
            assertEquals(401, keyed.get("/metrics", Map.of("Authorization", "Bearer wrong-key")).statusCode(), "wrong key");
            assertEquals(401, keyed.get("/metrics", Map.of("Authorization", "scrape-key")).statusCode(), "not Bearer");
            HttpResponse<String> ok = keyed.get("/metrics", Map.of("Authorization", "Bearer scrape-key"));
            assertEquals(200, ok.statusCode());
            Scrape.parse(ok.body()).value("switchboard_queue_overflows_total");
        }
        assertEquals(200, server.get("/metrics", Map.of()).statusCode(), "without a key: open");
    }

    @Test
    void withMetricsOffTheServerServesAndMetricsAnswer404() {
        try (RunningServer off = RunningServer.start(Map.of("switchboard.metrics", "false"))) {
            assertEquals(404, off.get("/metrics", Map.of()).statusCode());
            try (WsRecorder alice = off.chat("off-room", "alice")) {
                alice.send("{\"type\":\"say\",\"text\":\"uncounted\"}");
                alice.await(Ack.class);
            }
        }
    }
}
