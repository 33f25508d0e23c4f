package io.switchboard.standalone;

import static io.switchboard.standalone.ChatStandaloneTest.seqs;
import static io.switchboard.standalone.NotificationsStandaloneTest.accepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.History;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Subscribed;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovery with {@code since} and {@code epoch} (sections 3.1, 3.2 and 7), with retention R = 60 so
 * that "the latest 50" and "everything missed" differ: a room, an inbox and a topic each hold L = 65
 * items, of which 6 to 65 are retained.
 */
class RecoveryStandaloneTest {

    static final int RETENTION = 60;
    static final int LATEST = 65;

    static RunningServer server;
    static String roomEpoch;
    static String inboxEpoch;
    static String topicEpoch;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("switchboard.retention", Integer.toString(RETENTION),
                "switchboard.framesPerSecond", "10000", "switchboard.frameBurst", "10000"));
        try (WsRecorder writer = WsRecorder.open(server.ws("/chat/log-room?user=writer"))) {
            roomEpoch = writer.expect(Welcome.class).epoch();
            for (int i = 1; i <= LATEST; i++) {
                writer.send("{\"type\":\"say\",\"text\":\"m" + i + "\"}");
            }
            writer.await(Ack.class, ack -> ack.seq() == LATEST);
        }
        for (int i = 1; i <= LATEST; i++) {
            accepted(server.publish("{\"user\":\"reader\",\"title\":\"n" + i + "\"}"));
            accepted(server.publish("{\"topic\":\"log-topic\",\"title\":\"t" + i + "\"}"));
        }
        try (WsRecorder reader = WsRecorder.open(server.ws("/notifications?user=reader"))) {
            inboxEpoch = reader.expect(Welcome.class).epoch();
            reader.send("{\"type\":\"subscribe\",\"topic\":\"log-topic\"}");
            topicEpoch = reader.expect(Subscribed.class).epoch();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aChatReconnectWithinRetentionRecoversExactlyTheMissedMessages() {
        long seen;
        try (WsRecorder member = WsRecorder.open(server.ws("/chat/gap-room?user=member"))) {
            Welcome welcome = member.expect(Welcome.class);
            try (WsRecorder other = server.chat("gap-room", "other")) {
                other.send("{\"type\":\"say\",\"text\":\"before\"}");
                seen = member.await(Message.class).seq();
            }
            try (WsRecorder other = server.chat("gap-room", "other")) {
                for (String text : List.of("missed 1", "missed 2", "missed 3")) {
                    other.send("{\"type\":\"say\",\"text\":\"" + text + "\"}");
                }
                other.await(Ack.class, ack -> ack.seq() == seen + 3);
            }
            try (WsRecorder back = WsRecorder.open(server.ws("/chat/gap-room?user=member&since=" + seen + "&epoch="
                    + welcome.epoch()))) {
                Welcome recovered = back.expect(Welcome.class);
                assertEquals(Boolean.TRUE, recovered.recovered());
                assertEquals(List.of("missed 1", "missed 2", "missed 3"),
                        recovered.messages().stream().map(Message::text).toList());
                assertEquals(seen + 3, recovered.seq());
            }
        }
    }

    @Test
    void chatSinceLatestMinusRetentionIsStillFullyRecovered() {
        Welcome welcome = chatWelcome("since=" + (LATEST - RETENTION) + "&epoch=" + roomEpoch);
        assertEquals(Boolean.TRUE, welcome.recovered());
        assertEquals(range(LATEST - RETENTION + 1, LATEST), seqs(welcome.messages()));
    }

    @Test
    void chatSinceTheLatestRecoversNothingMissed() {
        Welcome welcome = chatWelcome("since=" + LATEST + "&epoch=" + roomEpoch);
        assertEquals(Boolean.TRUE, welcome.recovered());
        assertEquals(List.of(), welcome.messages());
    }

    @Test
    void chatSinceBeyondRetentionGivesTheLatestFiftyNotRecovered() {
        assertNotRecovered(chatWelcome("since=" + (LATEST - RETENTION - 1) + "&epoch=" + roomEpoch));
        assertNotRecovered(chatWelcome("since=0&epoch=" + roomEpoch));
    }

    @Test
    void chatWithAWrongOrMissingEpochGivesTheLatestFiftyNotRecovered() {
        assertNotRecovered(chatWelcome("since=60&epoch=not-" + roomEpoch));
        assertNotRecovered(chatWelcome("since=60"));
        assertNotRecovered(chatWelcome("since=60&epoch="));
    }

    @Test
    void chatWithAMalformedSinceOrOneAboveTheLatestGivesTheLatestFiftyNotRecovered() {
        for (String since : List.of("abc", "1.5", "-1", "", Long.toString(LATEST + 1), "99999999999999999999")) {
            assertNotRecovered(chatWelcome("since=" + since + "&epoch=" + roomEpoch));
        }
    }

    @Test
    void chatWithoutSinceCarriesTheLatestFiftyAndNoRecoveredFlag() {
        Welcome welcome = chatWelcome("epoch=" + roomEpoch);
        assertNull(welcome.recovered());
        assertEquals(range(LATEST - 49, LATEST), seqs(welcome.messages()));
    }

    @Test
    void anInboxReconnectRecoversWithinRetentionAndNotBeyondIt() {
        Welcome within = inboxWelcome("since=" + (LATEST - RETENTION) + "&epoch=" + inboxEpoch);
        assertEquals(Boolean.TRUE, within.recovered());
        assertEquals(range(LATEST - RETENTION + 1, LATEST), notificationSeqs(within.notifications()));
        assertEquals(LATEST, within.seq());

        Welcome recent = inboxWelcome("since=63&epoch=" + inboxEpoch);
        assertEquals(Boolean.TRUE, recent.recovered());
        assertEquals(List.of(64L, 65L), notificationSeqs(recent.notifications()));

        for (String query : List.of("since=" + (LATEST - RETENTION - 1) + "&epoch=" + inboxEpoch, "since=63&epoch=other",
                "since=63", "since=x&epoch=" + inboxEpoch, "since=" + (LATEST + 1) + "&epoch=" + inboxEpoch)) {
            Welcome welcome = inboxWelcome(query);
            assertEquals(Boolean.FALSE, welcome.recovered(), query);
            assertEquals(range(LATEST - 49, LATEST), notificationSeqs(welcome.notifications()), query);
        }

        Welcome plain = inboxWelcome("epoch=" + inboxEpoch);
        assertNull(plain.recovered());
        assertEquals(range(LATEST - 49, LATEST), notificationSeqs(plain.notifications()));
        assertEquals((long) RETENTION, plain.unread(), "unread counts only the retained items");
    }

    @Test
    void aTopicSubscriptionRecoversWithinRetentionAndNotBeyondIt() {
        try (WsRecorder client = server.notifications("subscriber")) {
            client.send("{\"type\":\"subscribe\",\"topic\":\"log-topic\",\"since\":" + (LATEST - RETENTION) + ",\"epoch\":\""
                    + topicEpoch + "\",\"ref\":\"within\"}");
            Subscribed within = client.expect(Subscribed.class);
            assertTrue(within.recovered());
            assertEquals(range(LATEST - RETENTION + 1, LATEST), notificationSeqs(within.notifications()));
            assertEquals(LATEST, within.seq());
            assertEquals(topicEpoch, within.epoch());

            for (String fields : List.of("\"since\":" + (LATEST - RETENTION - 1) + ",\"epoch\":\"" + topicEpoch + "\"",
                    "\"since\":63,\"epoch\":\"other\"", "\"since\":63", "\"since\":" + (LATEST + 1) + ",\"epoch\":\""
                            + topicEpoch + "\"")) {
                client.send("{\"type\":\"subscribe\",\"topic\":\"log-topic\"," + fields + "}");
                Subscribed subscribed = client.expect(Subscribed.class);
                assertFalse(subscribed.recovered(), fields);
                assertEquals(range(LATEST - 49, LATEST), notificationSeqs(subscribed.notifications()), fields);
            }
        }
    }

    @Test
    void historyDefaultsToFiftyAndMoreCountsOnlyRetainedMessages() {
        try (WsRecorder client = server.chat("log-room", "pager")) {
            client.send("{\"type\":\"history\",\"ref\":\"default\"}");
            History latest = client.expect(History.class);
            assertEquals(range(LATEST - 49, LATEST), seqs(latest.messages()));
            assertTrue(latest.more());

            client.send("{\"type\":\"history\",\"before\":10,\"limit\":100}");
            History oldest = client.expect(History.class);
            assertEquals(range(LATEST - RETENTION + 1, 9), seqs(oldest.messages()), "only retained messages");
            assertFalse(oldest.more(), "nothing older is retained");
        }
        JsonObject page = Json.createReader(new StringReader(
                server.getWithKey("/api/rooms/log-room/messages?before=7").body())).readObject();
        assertEquals(1, page.getJsonArray("messages").size());
        assertFalse(page.getBoolean("more"));
    }

    /**
     * A ref is remembered as long as the message it published is retained; once the log forgets that
     * message, the same ref publishes again (our reading of "within the retention window").
     */
    @Test
    void aRefIsRememberedWhileItsMessageIsRetainedAndPublishesAgainOnceForgotten() {
        try (WsRecorder sender = server.chat("forget-room", "sender")) {
            sender.send("{\"type\":\"say\",\"text\":\"first\",\"ref\":\"old\"}");
            assertEquals(new Ack("old", 1), sender.await(Ack.class));
            for (int i = 2; i <= RETENTION; i++) {
                sender.send("{\"type\":\"say\",\"text\":\"filler\"}");
            }
            sender.await(Ack.class, ack -> ack.seq() == RETENTION);

            sender.send("{\"type\":\"say\",\"text\":\"first\",\"ref\":\"old\"}");
            assertEquals(new Ack("old", 1), sender.expect(Ack.class), "seq 1 is still retained");

            sender.send("{\"type\":\"say\",\"text\":\"filler\"}");
            sender.await(Ack.class, ack -> ack.seq() == RETENTION + 1);
            sender.send("{\"type\":\"say\",\"text\":\"first\",\"ref\":\"old\"}");
            assertEquals(RETENTION + 2, sender.expect(Message.class).seq());
            assertEquals(new Ack("old", RETENTION + 2), sender.expect(Ack.class));
        }
    }

    private static Welcome chatWelcome(String query) {
        try (WsRecorder client = WsRecorder.open(server.ws("/chat/log-room?user=back&" + query))) {
            return client.expect(Welcome.class);
        }
    }

    private static Welcome inboxWelcome(String query) {
        try (WsRecorder client = WsRecorder.open(server.ws("/notifications?user=reader&" + query))) {
            return client.expect(Welcome.class);
        }
    }

    private static void assertNotRecovered(Welcome welcome) {
        assertEquals(Boolean.FALSE, welcome.recovered());
        assertEquals(range(LATEST - 49, LATEST), seqs(welcome.messages()), "the latest 50, oldest first");
        assertEquals(LATEST, welcome.seq());
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<Long> notificationSeqs(List<Notification> notifications) {
        return notifications.stream().map(Notification::seq).toList();
    }
}
