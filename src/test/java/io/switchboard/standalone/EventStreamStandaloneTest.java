package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.EventStreamRecorder;
import io.switchboard.EventStreamRecorder.Event;
import io.switchboard.WsRecorder;
import io.switchboard.identity.Tokens;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Unread;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event-stream fallback for notifications (contract section 12) on the standalone server. The
 * queue bound is small (16 KiB) so that falling behind and recovering past the bound are quick to
 * provoke, and the ping interval short so that keep-alive comments come within a test.
 */
class EventStreamStandaloneTest {

    private static final int QUEUE = 16 * 1024;

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of(
            "switchboard.maxQueuedBytes", Integer.toString(QUEUE),
            "switchboard.defaultTopics", "open-*",
            "switchboard.maxConnectionsPerUser", "3",
            "switchboard.pingIntervalMs", "300",
            "switchboard.idleTimeoutMs", "1500",
            "switchboard.publishesPerSecond", "5000",
            "switchboard.publishBurst", "5000"));

    private static String stream(String query) {
        return server.http("/api/notifications/stream?" + query);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject publishTo(String user, String title) {
        return publish("{\"user\":\"" + user + "\",\"title\":\"" + title + "\"}");
    }

    private static JsonObject publish(String body) {
        HttpResponse<String> answer = server.publish(body);
        assertEquals(202, answer.statusCode(), answer.body());
        return json(answer.body());
    }

    private static HttpResponse<String> postRead(String query, String body) {
        return server.post("/api/notifications/read?" + query, body, Map.of("Content-Type", "application/json"));
    }

    @Test
    void theWelcomeComesFirstThenTheLatestItemsWithIdsThenLiveOnes() {
        for (int i = 1; i <= 3; i++) {
            publishTo("ann", "before " + i);
        }
        try (EventStreamRecorder ann = EventStreamRecorder.open(stream("user=ann"))) {
            assertEquals(200, ann.status());
            assertTrue(ann.header("Content-Type").startsWith("text/event-stream"), ann.header("Content-Type"));

            Event first = ann.expect("welcome");
            assertNull(first.id(), "the welcome has no id");
            Welcome welcome = (Welcome) first.frame();
            assertEquals("ann", welcome.user());
            assertEquals(3, welcome.seq());
            assertEquals(3L, welcome.unread());
            assertNull(welcome.recovered(), "no Last-Event-ID: no recovered");
            assertNull(welcome.notifications(), "the items follow as events");
            assertFalse(json(first.data()).containsKey("notifications"));
            String epoch = welcome.epoch();

            for (int seq = 1; seq <= 3; seq++) {
                Event item = ann.expect("notification");
                assertEquals(epoch + ":" + seq, item.id());
                Notification notification = (Notification) item.frame();
                assertEquals(seq, notification.seq());
                assertEquals("before " + seq, notification.title());
            }

            JsonObject answer = publishTo("ann", "live");
            assertEquals(1, answer.getInt("delivered"), "a stream counts in delivered");
            Event live = ann.expect("notification");
            assertEquals(epoch + ":4", live.id());
            assertEquals("live", ((Notification) live.frame()).title());
        }
    }

    @Test
    void aStreamIsAConnectionInDeliveredAndInTheServersCount() {
        int before = server.switchboard().transport().connections().size();
        try (EventStreamRecorder stream = EventStreamRecorder.open(stream("user=bea"));
             WsRecorder socket = server.notifications("bea")) {
            stream.expect("welcome");
            assertEquals(before + 2, server.switchboard().transport().connections().size());
            assertEquals(2, publishTo("bea", "both").getInt("delivered"), "the stream and the WebSocket");
            assertEquals("both", socket.await(Notification.class).title());
            assertEquals("both", ((Notification) stream.expect("notification").frame()).title());
        }
        server.awaitConnections(before);
    }

    @Test
    void aReadByPostMarksTheInboxAndEveryConnectionGetsUnreadWithoutId() {
        for (int i = 1; i <= 3; i++) {
            publishTo("cid", "item " + i);
        }
        try (EventStreamRecorder stream = EventStreamRecorder.open(stream("user=cid"));
             WsRecorder socket = server.notifications("cid")) {
            stream.expect("welcome");

            HttpResponse<String> answer = postRead("user=cid", "{\"seq\":2}");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(json("{\"count\":1,\"readUpTo\":2}"), json(answer.body()));

            Event unread = stream.await("unread", any -> true);
            assertNull(unread.id(), "unread has no id");
            assertEquals(json("{\"type\":\"unread\",\"count\":1,\"readUpTo\":2}"), json(unread.data()));
            assertEquals(new Unread(1, 2, null), socket.await(Unread.class));

            // Clamped to the latest, never down.
            assertEquals(json("{\"count\":0,\"readUpTo\":3}"), json(postRead("user=cid", "{\"seq\":99}").body()));
            assertEquals(json("{\"count\":0,\"readUpTo\":3}"), json(postRead("user=cid", "{\"seq\":1}").body()));
        }
    }

    @Test
    void topicItemsAreLiveOnlyAndHaveNoId() {
        publish("{\"topic\":\"open-deploys\",\"title\":\"old\"}");
        try (EventStreamRecorder dan = EventStreamRecorder.open(stream("user=dan&topics=open-deploys,open-builds"))) {
            dan.expect("welcome");
            publish("{\"topic\":\"open-deploys\",\"title\":\"new\"}");
            publish("{\"topic\":\"open-builds\",\"title\":\"green\"}");
            publishTo("dan", "mine");

            List<Event> events = List.of(dan.next(), dan.next(), dan.next());
            List<String> titles = new ArrayList<>();
            for (Event event : events) {
                assertEquals("notification", event.event());
                Notification item = (Notification) event.frame();
                titles.add(item.title());
                if (item.topic() != null) {
                    assertNull(event.id(), "topic items have no id: " + event);
                } else {
                    assertTrue(event.id().endsWith(":" + item.seq()), event.toString());
                }
            }
            assertEquals(List.of("new", "green", "mine"), titles, "the old topic item is not recovered");
        }
    }

    @Test
    void lastEventIdRecoversWhatWasMissedAndSaysRecovered() {
        String lastId;
        try (EventStreamRecorder eve = EventStreamRecorder.open(stream("user=eve"))) {
            eve.expect("welcome");
            publishTo("eve", "one");
            publishTo("eve", "two");
            eve.expect("notification");
            lastId = eve.expect("notification").id();
        }
        publishTo("eve", "three");
        publishTo("eve", "four");

        try (EventStreamRecorder eve = EventStreamRecorder.open(stream("user=eve"), Map.of("Last-Event-ID", lastId))) {
            Welcome welcome = (Welcome) eve.expect("welcome").frame();
            assertEquals(Boolean.TRUE, welcome.recovered());
            assertEquals(List.of("three", "four"), List.of(((Notification) eve.expect("notification").frame()).title(),
                    ((Notification) eve.expect("notification").frame()).title()));
            eve.expectSilence(Duration.ofMillis(300));
        }
        // The query parameter does the same, for a new EventSource that cannot set the header.
        try (EventStreamRecorder eve = EventStreamRecorder.open(stream("user=eve&lastEventId=" + lastId))) {
            assertEquals(Boolean.TRUE, ((Welcome) eve.expect("welcome").frame()).recovered());
            assertEquals("three", ((Notification) eve.expect("notification").frame()).title());
        }
        // Another epoch cannot be recovered from: recovered false, and the latest items.
        String otherEpoch = "not" + lastId;
        try (EventStreamRecorder eve = EventStreamRecorder.open(stream("user=eve"), Map.of("Last-Event-ID", otherEpoch))) {
            assertEquals(Boolean.FALSE, ((Welcome) eve.expect("welcome").frame()).recovered());
            assertEquals("one", ((Notification) eve.expect("notification").frame()).title());
        }
    }

    @Test
    void aRecoveryLargerThanTheQueueBoundIsSentAsTheStreamDrains() {
        String filler = "x".repeat(1000);
        int count = 60; // about 60 KiB of events: nearly four times the queue's bound
        for (int i = 1; i <= count; i++) {
            publish("{\"user\":\"fay\",\"title\":\"n" + i + "\",\"body\":\"" + filler + "\"}");
        }
        try (EventStreamRecorder fay = EventStreamRecorder.open(stream("user=fay"), Map.of("Last-Event-ID", epochOf("fay") + ":0"))) {
            assertEquals(Boolean.TRUE, ((Welcome) fay.expect("welcome").frame()).recovered());
            for (int seq = 1; seq <= count; seq++) {
                assertEquals(seq, ((Notification) fay.expect("notification").frame()).seq());
            }
            assertFalse(fay.hasEnded(), "not ended for its own size");
            assertEquals(1, publishTo("fay", "live").getInt("delivered"));
            assertEquals("live", ((Notification) fay.expect("notification").frame()).title());
        }
    }

    private static String epochOf(String user) {
        try (WsRecorder socket = WsRecorder.open(server.ws("/notifications?user=" + user))) {
            return socket.expect(Welcome.class).epoch();
        }
    }

    @Test
    void aStreamThatFallsBehindItsBoundIsEndedWith1013() throws Exception {
        try (EventStreamRecorder gus = EventStreamRecorder.open(stream("user=gus"))) {
            gus.expect("welcome");
            gus.stopReading();
            // About 20 KB an item: the socket's buffers take a few megabytes first, then the stream's own queue passes its bound.
            String item = "{\"user\":\"gus\",\"title\":\"flood\",\"body\":\"" + "y".repeat(4000)
                    + "\",\"data\":{\"pad\":\"" + "z".repeat(16000) + "\"}}";
            int published = 0;
            int delivered = 1;
            while (delivered > 0 && published < 2000) {
                delivered = publish(item).getInt("delivered");
                published++;
            }
            assertEquals(0, delivered, "the stream was dropped after " + published + " publishes");
            gus.resumeReading();
            Event close = gus.await("close", any -> true);
            assertNull(close.id());
            assertEquals(1013, json(close.data()).getInt("code"), close.data());
            assertFalse(json(close.data()).getString("reason").isEmpty());
            gus.awaitEnd();
        }
    }

    @Test
    void commentsKeepTheStreamAliveAndTheIdleTimeoutDoesNotEndIt() throws Exception {
        try (EventStreamRecorder hal = EventStreamRecorder.open(stream("user=hal"))) {
            hal.expect("welcome");
            Thread.sleep(2500); // past the idle timeout (1.5 s) of a connection that says nothing
            assertTrue(hal.comments() >= 3, "a comment every ping interval (0.3 s): " + hal.comments());
            assertFalse(hal.hasEnded(), hal.body());
            assertEquals(1, publishTo("hal", "still here").getInt("delivered"));
            assertEquals("still here", ((Notification) hal.expect("notification").frame()).title());
        }
    }

    @Test
    void refusalsAreHttpAnswersBeforeAnyStream() {
        // Identity: none, or an invalid one.
        assertRefused(401, EventStreamRecorder.open(stream("topics=open-a")));
        assertRefused(401, EventStreamRecorder.open(stream("user=not%20valid")));
        // Origin: another one than the Host.
        assertRefused(403, EventStreamRecorder.open(stream("user=ian"), Map.of("Origin", "http://evil.example")));
        // Topics: an invalid name, one outside the user's access.
        EventStreamRecorder invalid = EventStreamRecorder.open(stream("user=ian&topics=open-a,Not_A_Topic"));
        assertRefused(400, invalid);
        assertEquals("invalid", json(invalid.wholeBody()).getString("error"));
        assertRefused(403, EventStreamRecorder.open(stream("user=ian&topics=secret")));
        // The method.
        assertEquals(405, server.post("/api/notifications/stream?user=ian", "", Map.of()).statusCode());
        assertEquals(405, server.get("/api/notifications/read?user=ian", Map.of()).statusCode());
    }

    private static void assertRefused(int status, EventStreamRecorder recorder) {
        try (recorder) {
            assertEquals(status, recorder.status(), recorder::body);
            recorder.awaitEnd();
            assertFalse(recorder.body().contains("event:"), "no event before or after a refusal: " + recorder.body());
        }
    }

    @Test
    void invalidReadsAreAnswered400AndOtherOriginsAre403() {
        publishTo("jon", "one");
        for (String body : List.of("{\"seq\":-1}", "{\"seq\":\"1\"}", "{\"seq\":1.5}", "{}", "{\"seq\":null}")) {
            HttpResponse<String> answer = postRead("user=jon", body);
            assertEquals(400, answer.statusCode(), body);
            assertEquals("invalid", json(answer.body()).getString("error"), body);
            assertTrue(json(answer.body()).containsKey("message"));
        }
        HttpResponse<String> notJson = postRead("user=jon", "{seq");
        assertEquals(400, notJson.statusCode());
        assertEquals("bad_json", json(notJson.body()).getString("error"));
        assertEquals(401, postRead("user=", "{\"seq\":1}").statusCode());
        assertEquals(403, server.post("/api/notifications/read?user=jon", "{\"seq\":1}",
                Map.of("Content-Type", "application/json", "Origin", "http://evil.example")).statusCode());
        assertEquals(413, postRead("user=jon", "{\"seq\":1,\"pad\":\"" + "z".repeat(2000) + "\"}").statusCode());
        assertEquals(200, postRead("user=jon", "{\"seq\":1}").statusCode(), "the same user, a valid read");
    }

    @Test
    void tooManyConnectionsForTheUserIs429AndTheWebSocketsCount() {
        try (WsRecorder socket = server.notifications("kim");
             EventStreamRecorder first = EventStreamRecorder.open(stream("user=kim"));
             EventStreamRecorder second = EventStreamRecorder.open(stream("user=kim"))) {
            first.expect("welcome");
            second.expect("welcome");
            EventStreamRecorder third = EventStreamRecorder.open(stream("user=kim"));
            assertRefused(429, third);
        }
    }

    @Test
    void tooManyConnectionsFromOneAddressIs429() {
        RunningServer limited = RunningServer.start(Map.of("switchboard.maxConnectionsPerAddress", "2"));
        try (EventStreamRecorder one = EventStreamRecorder.open(limited.http("/api/notifications/stream?user=lea"));
             WsRecorder two = WsRecorder.open(limited.ws("/notifications?user=leo"))) {
            one.expect("welcome");
            two.expect(Welcome.class);
            assertRefused(429, EventStreamRecorder.open(limited.http("/api/notifications/stream?user=lia")));
        } finally {
            limited.close();
        }
    }

    @Test
    void theHandshakeRateOfAnAddressIs429() {
        RunningServer limited = RunningServer.start(Map.of(
                "switchboard.handshakeBurstPerAddress", "2", "switchboard.handshakesPerSecondPerAddress", "0.01"));
        try {
            EventStreamRecorder.open(limited.http("/api/notifications/stream?user=max")).close();
            EventStreamRecorder.open(limited.http("/api/notifications/stream?user=max")).close();
            assertRefused(429, EventStreamRecorder.open(limited.http("/api/notifications/stream?user=max")));
        } finally {
            limited.close();
        }
    }

    @Test
    void shutdownEndsTheStreamWith1001() {
        RunningServer stopping = RunningServer.start(Map.of());
        try (EventStreamRecorder ned = EventStreamRecorder.open(stopping.http("/api/notifications/stream?user=ned"))) {
            ned.expect("welcome");
            stopping.close();
            Event close = ned.await("close", any -> true);
            assertEquals(1001, json(close.data()).getInt("code"));
            ned.awaitEnd();
        }
    }

    @Test
    void anExpiringTokenEndsTheStreamWith4001() {
        RunningServer jwt = RunningServer.start(Map.of("switchboard.auth", "jwt", "switchboard.jwt.secret", Tokens.SECRET));
        try {
            String token = Tokens.hs256("oli", Instant.now().plusSeconds(5));
            try (EventStreamRecorder oli = EventStreamRecorder.open(jwt.http("/api/notifications/stream?access_token=" + token))) {
                assertEquals(200, oli.status());
                assertEquals("oli", ((Welcome) oli.expect("welcome").frame()).user());
                Event close = oli.await("close", any -> true);
                assertEquals(4001, json(close.data()).getInt("code"));
                oli.awaitEnd();
            }
            String bearer = Tokens.hs256("oli", Instant.now().plusSeconds(60));
            try (EventStreamRecorder oli = EventStreamRecorder.open(jwt.http("/api/notifications/stream"),
                    Map.of("Authorization", "Bearer " + bearer))) {
                assertEquals("oli", ((Welcome) oli.expect("welcome").frame()).user());
            }
            String expired = Tokens.hs256("oli", Instant.now().minusSeconds(5));
            assertRefused(401, EventStreamRecorder.open(jwt.http("/api/notifications/stream?access_token=" + expired)));
            assertRefused(401, EventStreamRecorder.open(jwt.http("/api/notifications/stream?user=oli")));
        } finally {
            jwt.close();
        }
    }

    @Test
    void aClientThatLeavesIsNoLongerCounted() {
        int before = server.switchboard().transport().connections().size();
        EventStreamRecorder pam = EventStreamRecorder.open(stream("user=pam"));
        pam.expect("welcome");
        server.awaitConnections(before + 1);
        pam.close();
        server.awaitConnections(before);
        assertEquals(0, publishTo("pam", "gone").getInt("delivered"));
    }
}
