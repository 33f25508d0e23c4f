package io.switchboard.standalone;

import static io.switchboard.standalone.ChatStandaloneTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Pong;
import io.switchboard.protocol.ServerMessage.Subscribed;
import io.switchboard.protocol.ServerMessage.Unread;
import io.switchboard.protocol.ServerMessage.Unsubscribed;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Contract section 3.2 and the notification details of section 7: inboxes, topics, read and unread. */
class NotificationsStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.maxTopicsPerConnection", "3"));

    @Test
    void anEmptyInboxWelcomesWithNothingAndNoRecoveredFlag() {
        try (WsRecorder amy = WsRecorder.open(server.ws("/notifications?user=amy"))) {
            Welcome welcome = amy.expect(Welcome.class);
            assertEquals("amy", welcome.user());
            assertEquals(0, welcome.seq());
            assertEquals(0L, welcome.unread());
            assertNotNull(welcome.epoch());
            assertNull(welcome.recovered());
            assertEquals(List.of(), welcome.notifications());
            assertNull(welcome.room());
        }
    }

    @Test
    void anInboxNotificationReachesEveryConnectionOfItsUserAndDeliveredCountsThem() {
        try (WsRecorder tab1 = server.notifications("ben");
             WsRecorder tab2 = server.notifications("ben");
             WsRecorder other = server.notifications("cy")) {
            JsonObject answer = accepted(server.publish(
                    "{\"user\":\"ben\",\"title\":\"Build done\",\"body\":\"green\",\"data\":{\"run\":7},\"id\":\"ben-1\"}"));
            assertEquals("ben-1", answer.getString("id"));
            assertEquals(1, answer.getInt("seq"));
            assertEquals(2, answer.getInt("delivered"), "two tabs count 2");

            Notification seen = tab1.expect(Notification.class);
            assertEquals("ben-1", seen.id());
            assertEquals(1, seen.seq());
            assertNull(seen.topic(), "inbox items have no topic");
            assertEquals("Build done", seen.title());
            assertEquals("green", seen.body());
            assertEquals(7, seen.data().getInt("run"));
            assertNotNull(Instant.parse(seen.at()));
            assertEquals(seen, tab2.expect(Notification.class));
            other.expectNothingPending();
        }
    }

    @Test
    void bodyAndDataDefaultAndAreAlwaysInTheFrameAndTheServerMakesAnId() {
        try (WsRecorder dee = server.notifications("dee")) {
            JsonObject answer = accepted(server.publish("{\"user\":\"dee\",\"title\":\"Bare\"}"));
            assertFalse(answer.getString("id").isEmpty(), "without id, the server makes one");
            JsonObject frame = Json.createReader(new StringReader(dee.nextText())).readObject();
            assertEquals("notification", frame.getString("type"));
            assertEquals("", frame.getString("body"));
            assertEquals(JsonObject.EMPTY_JSON_OBJECT, frame.getJsonObject("data"));
            assertEquals(answer.getString("id"), frame.getString("id"));
            assertFalse(frame.containsKey("topic"));
        }
    }

    @Test
    void anOfflineUserFindsTheNotificationInTheirNextWelcome() {
        JsonObject answer = accepted(server.publish("{\"user\":\"eli\",\"title\":\"While you were out\",\"id\":\"eli-1\"}"));
        assertEquals(0, answer.getInt("delivered"));
        try (WsRecorder eli = WsRecorder.open(server.ws("/notifications?user=eli"))) {
            Welcome welcome = eli.expect(Welcome.class);
            assertEquals(1, welcome.seq());
            assertEquals(1L, welcome.unread());
            assertEquals(List.of("eli-1"), welcome.notifications().stream().map(Notification::id).toList());
            assertEquals("While you were out", welcome.notifications().get(0).title());
        }
    }

    @Test
    void readMarksTheInboxForEveryConnectionWithTheRefOnlyOnTheReadersCopy() {
        for (int i = 1; i <= 3; i++) {
            accepted(server.publish("{\"user\":\"fay\",\"title\":\"n" + i + "\"}"));
        }
        try (WsRecorder reader = WsRecorder.open(server.ws("/notifications?user=fay"));
             WsRecorder otherTab = WsRecorder.open(server.ws("/notifications?user=fay"));
             WsRecorder stranger = server.notifications("gil")) {
            assertEquals(3L, reader.expect(Welcome.class).unread());
            otherTab.expect(Welcome.class);

            reader.send("{\"type\":\"read\",\"seq\":2,\"ref\":\"r1\"}");
            assertEquals(new Unread(1, 2, "r1"), reader.expect(Unread.class));
            assertEquals(new Unread(1, 2, null), otherTab.expect(Unread.class));
            stranger.expectNothingPending();

            reader.send("{\"type\":\"read\",\"seq\":1,\"ref\":\"r2\"}");
            assertEquals(new Unread(1, 2, "r2"), reader.expect(Unread.class), "readUpTo never goes down");
            assertEquals(new Unread(1, 2, null), otherTab.expect(Unread.class));

            otherTab.send("{\"type\":\"read\",\"seq\":99}");
            assertEquals(new Unread(0, 3, null), otherTab.expect(Unread.class), "seq is clamped to the latest");
            assertEquals(new Unread(0, 3, null), reader.expect(Unread.class));

            accepted(server.publish("{\"user\":\"fay\",\"title\":\"n4\"}"));
            reader.expect(Notification.class);
            reader.send("{\"type\":\"read\",\"seq\":3,\"ref\":\"r3\"}");
            assertEquals(new Unread(1, 3, "r3"), reader.expect(Unread.class),
                    "the clamp did not mark the later notification read");
        }
        try (WsRecorder later = WsRecorder.open(server.ws("/notifications?user=fay"))) {
            assertEquals(1L, later.expect(Welcome.class).unread(), "readUpTo outlives the connections");
        }
    }

    @Test
    void subscribeRepliesSubscribedAndTopicNotificationsFollowUntilUnsubscribe() {
        try (WsRecorder hal = server.notifications("hal");
             WsRecorder halTab = server.notifications("hal");
             WsRecorder ivy = server.notifications("ivy")) {
            hal.send("{\"type\":\"subscribe\",\"topic\":\"deploys\",\"ref\":\"s1\"}");
            Subscribed subscribed = hal.expect(Subscribed.class);
            assertEquals("s1", subscribed.ref());
            assertEquals("deploys", subscribed.topic());
            assertEquals(0, subscribed.seq());
            assertNotNull(subscribed.epoch());
            assertFalse(subscribed.recovered(), "recovered is always present, false without since");
            assertEquals(List.of(), subscribed.notifications());
            ivy.send("{\"type\":\"subscribe\",\"topic\":\"deploys\"}");
            assertNull(ivy.expect(Subscribed.class).ref());

            JsonObject answer = accepted(server.publish("{\"topic\":\"deploys\",\"title\":\"v1.2 is out\"}"));
            assertEquals(2, answer.getInt("delivered"), "the subscribed connections, not hal's other tab");
            Notification seen = hal.expect(Notification.class);
            assertEquals("deploys", seen.topic());
            assertEquals(1, seen.seq());
            assertEquals(seen, ivy.expect(Notification.class));
            halTab.expectNothingPending();

            hal.send("{\"type\":\"unsubscribe\",\"topic\":\"deploys\",\"ref\":\"u1\"}");
            assertEquals(new Unsubscribed("u1", "deploys"), hal.expect(Unsubscribed.class));
            assertEquals(1, accepted(server.publish("{\"topic\":\"deploys\",\"title\":\"v1.3\"}")).getInt("delivered"));
            assertEquals(2, ivy.expect(Notification.class).seq());
            hal.expectNothingPending();
        }
    }

    @Test
    void aClosedConnectionNoLongerCountsAsDeliveredForItsInboxOrTopics() {
        try (WsRecorder stays = server.notifications("ned")) {
            WsRecorder leaves = server.notifications("ned");
            leaves.send("{\"type\":\"subscribe\",\"topic\":\"ned-topic\"}");
            leaves.expect(Subscribed.class);
            stays.send("{\"type\":\"subscribe\",\"topic\":\"ned-topic\"}");
            stays.expect(Subscribed.class);
            assertEquals(2, accepted(server.publish("{\"user\":\"ned\",\"title\":\"a\"}")).getInt("delivered"));
            assertEquals(2, accepted(server.publish("{\"topic\":\"ned-topic\",\"title\":\"a\"}")).getInt("delivered"));

            int open = server.switchboard().transport().connections().size();
            leaves.close();
            server.awaitConnections(open - 1);
            assertEquals(1, accepted(server.publish("{\"user\":\"ned\",\"title\":\"b\"}")).getInt("delivered"));
            assertEquals(1, accepted(server.publish("{\"topic\":\"ned-topic\",\"title\":\"b\"}")).getInt("delivered"));
        }
    }

    @Test
    void subscribingWithoutSinceCarriesTheTopicsLatestFifty() {
        for (int i = 1; i <= 55; i++) {
            accepted(server.publish("{\"topic\":\"busy\",\"title\":\"t" + i + "\"}"));
        }
        try (WsRecorder jo = server.notifications("jo")) {
            jo.send("{\"type\":\"subscribe\",\"topic\":\"busy\",\"ref\":\"s\"}");
            Subscribed subscribed = jo.expect(Subscribed.class);
            assertEquals(55, subscribed.seq());
            assertFalse(subscribed.recovered());
            assertEquals(50, subscribed.notifications().size());
            assertEquals(6, subscribed.notifications().get(0).seq(), "the latest 50, oldest first");
            assertEquals(55, subscribed.notifications().get(49).seq());
        }
    }

    @Test
    void anInvalidTopicNameIsInvalidAndTheConnectionStaysOpen() {
        try (WsRecorder kai = server.notifications("kai")) {
            for (String topic : new String[] {"Upper", "-x", "", "a b", "t".repeat(65)}) {
                kai.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"ref\":\"bad\"}");
                assertError("invalid", "bad", kai.expect(Error.class));
            }
            kai.send("{\"type\":\"unsubscribe\",\"topic\":\"Upper\",\"ref\":\"bad\"}");
            assertError("invalid", "bad", kai.expect(Error.class));
            kai.send("{\"type\":\"ping\",\"ref\":\"alive\"}");
            assertEquals(new Pong("alive"), kai.expect(Pong.class));
        }
    }

    @Test
    void tooManyTopicsOnOneConnectionIsForbidden() {
        try (WsRecorder lea = server.notifications("lea")) {
            for (String topic : new String[] {"t1", "t2", "t3"}) {
                lea.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
                lea.expect(Subscribed.class);
            }
            lea.send("{\"type\":\"subscribe\",\"topic\":\"t4\",\"ref\":\"fourth\"}");
            assertError("forbidden", "fourth", lea.expect(Error.class));
            assertEquals(0, accepted(server.publish("{\"topic\":\"t4\",\"title\":\"x\"}")).getInt("delivered"));
            lea.expectNothingPending();

            lea.send("{\"type\":\"subscribe\",\"topic\":\"t1\",\"ref\":\"again\"}");
            assertEquals("again", lea.expect(Subscribed.class).ref(), "subscribing again to a topic it has is no new topic");

            lea.send("{\"type\":\"unsubscribe\",\"topic\":\"t3\"}");
            lea.expect(Unsubscribed.class);
            lea.send("{\"type\":\"subscribe\",\"topic\":\"t4\",\"ref\":\"now\"}");
            assertEquals("now", lea.expect(Subscribed.class).ref(), "an unsubscribe frees a place");
        }
    }

    @Test
    void pingOnTheNotificationStreamIsAnsweredWithPong() {
        try (WsRecorder max = server.notifications("max")) {
            max.send("{\"type\":\"ping\",\"ref\":\"n-1\"}");
            assertEquals(new Pong("n-1"), max.expect(Pong.class));
        }
    }

    static JsonObject accepted(HttpResponse<String> response) {
        assertEquals(202, response.statusCode(), response::body);
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
