package io.switchboard.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.FakePeer;
import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.MemoryStore;
import io.switchboard.channel.TestStores;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.PublishKey;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Unread;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.transport.Connections;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inboxes, topics and publishing with fake peers. */
class NotificationsTest {

    private final Limits limits = Limits.from(Settings.of(Map.of("switchboard.retention", "3",
            "switchboard.maxTopicsPerConnection", "2", "switchboard.frameBurst", "1000")));
    private final MemoryStore store = TestStores.memory(limits.retention());
    private final Notifications notifications = new Notifications(store, Codec.standard().server(), limits,
            new Connections(limits));
    private final PublishApi api = new PublishApi(notifications, store.publishIds(), new PublishKey("k"), Codec.standard(),
            limits);

    private NotifyConnection open(String user, FakePeer peer) {
        return notifications.open(peer, new Identity(user, user), new Handshake(Map.of(), Map.of()));
    }

    private ApiResponse publish(String json) {
        return api.post("Bearer k", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anInboxNotificationReachesEveryConnectionOfItsUser() {
        FakePeer tab1 = new FakePeer();
        FakePeer tab2 = new FakePeer();
        FakePeer other = new FakePeer();
        open("alice", tab1);
        open("alice", tab2);
        open("bob", other);

        ApiResponse answer = publish("{\"user\":\"alice\",\"title\":\"Hi\",\"id\":\"n1\"}");

        assertEquals(202, answer.status());
        assertEquals("{\"delivered\":2,\"id\":\"n1\",\"seq\":1}", answer.json());
        Notification expected = tab1.sent(Notification.class).get(0);
        assertEquals("", expected.body());
        assertEquals(0, expected.data().size());
        assertNull(expected.topic());
        assertEquals(List.of(expected), tab2.sent(Notification.class));
        assertEquals(List.of(), other.sent(Notification.class));
    }

    @Test
    void anOfflineUserFindsTheNotificationInTheNextWelcome() {
        publish("{\"user\":\"carol\",\"title\":\"While you were out\"}");
        FakePeer carol = new FakePeer();
        open("carol", carol);
        Welcome welcome = carol.sent(Welcome.class).get(0);
        assertEquals(1, welcome.unread());
        assertEquals("While you were out", welcome.notifications().get(0).title());
    }

    @Test
    void aRepeatedIdIsAnsweredWith200AndTheFirstBodyWithoutPublishingAgain() {
        FakePeer alice = new FakePeer();
        open("alice", alice);
        ApiResponse first = publish("{\"user\":\"alice\",\"title\":\"once\",\"id\":\"same\"}");
        ApiResponse again = publish("{\"user\":\"alice\",\"title\":\"twice\",\"id\":\"same\"}");
        assertEquals(200, again.status());
        assertEquals(first.json(), again.json());
        assertEquals(1, alice.sent(Notification.class).size());
    }

    @Test
    void readTellsEveryConnectionAndOnlyTheReaderGetsItsRef() {
        FakePeer tab1 = new FakePeer();
        FakePeer tab2 = new FakePeer();
        NotifyConnection reader = open("alice", tab1);
        open("alice", tab2);
        publish("{\"user\":\"alice\",\"title\":\"1\"}");
        publish("{\"user\":\"alice\",\"title\":\"2\"}");

        reader.receive(new ClientMessage.Read(1L, "r"));

        assertEquals(List.of(new Unread(1, 1, "r")), tab1.sent(Unread.class));
        assertEquals(List.of(new Unread(1, 1, null)), tab2.sent(Unread.class));
    }

    @Test
    void readUpToIsClampedToTheLatestAndNeverGoesDown() {
        FakePeer alice = new FakePeer();
        NotifyConnection reader = open("alice", alice);
        publish("{\"user\":\"alice\",\"title\":\"1\"}");
        publish("{\"user\":\"alice\",\"title\":\"2\"}");

        reader.receive(new ClientMessage.Read(99L, null));
        reader.receive(new ClientMessage.Read(1L, null));

        assertEquals(List.of(new Unread(0, 2, null), new Unread(0, 2, null)), alice.sent(Unread.class));
    }

    @Test
    void unreadCountsOnlyRetainedItems() {
        for (int i = 0; i < 5; i++) {
            publish("{\"user\":\"dan\",\"title\":\"n" + i + "\"}");
        }
        FakePeer dan = new FakePeer();
        open("dan", dan);
        assertEquals(3, dan.sent(Welcome.class).get(0).unread());
    }

    @Test
    void topicNotificationsReachSubscribersUntilTheyUnsubscribe() {
        FakePeer alice = new FakePeer();
        NotifyConnection connection = open("alice", alice);
        connection.receive(new ClientMessage.Subscribe("deploys", null, null, "s"));
        ServerMessage.Subscribed subscribed = alice.sent(ServerMessage.Subscribed.class).get(0);
        assertFalse(subscribed.recovered());
        assertEquals("s", subscribed.ref());

        publish("{\"topic\":\"deploys\",\"title\":\"v1\"}");
        connection.receive(new ClientMessage.Unsubscribe("deploys", "u"));
        publish("{\"topic\":\"deploys\",\"title\":\"v2\"}");

        assertEquals(List.of("v1"), alice.sent(Notification.class).stream().map(Notification::title).toList());
        assertEquals("deploys", alice.sent(Notification.class).get(0).topic());
        assertEquals(List.of(new ServerMessage.Unsubscribed("u", "deploys")), alice.sent(ServerMessage.Unsubscribed.class));
    }

    @Test
    void subscribingWithSinceRecoversTheTopic() {
        FakePeer alice = new FakePeer();
        NotifyConnection connection = open("alice", alice);
        connection.receive(new ClientMessage.Subscribe("deploys", null, null, null));
        String epoch = alice.sent(ServerMessage.Subscribed.class).get(0).epoch();
        publish("{\"topic\":\"deploys\",\"title\":\"v1\"}");
        publish("{\"topic\":\"deploys\",\"title\":\"v2\"}");
        alice.clear();

        connection.receive(new ClientMessage.Subscribe("deploys", 1L, epoch, "again"));

        ServerMessage.Subscribed recovered = alice.sent(ServerMessage.Subscribed.class).get(0);
        assertTrue(recovered.recovered());
        assertEquals(List.of("v2"), recovered.notifications().stream().map(Notification::title).toList());
    }

    @Test
    void anInvalidTopicIsInvalidAndTooManyTopicsIsForbidden() {
        FakePeer alice = new FakePeer();
        NotifyConnection connection = open("alice", alice);
        connection.receive(new ClientMessage.Subscribe("Bad Topic", null, null, "bad"));
        connection.receive(new ClientMessage.Subscribe("a", null, null, null));
        connection.receive(new ClientMessage.Subscribe("b", null, null, null));
        connection.receive(new ClientMessage.Subscribe("c", null, null, "third"));

        List<ServerMessage.Error> errors = alice.sent(ServerMessage.Error.class);
        assertEquals(ErrorCode.INVALID.wire(), errors.get(0).code());
        assertEquals(ErrorCode.FORBIDDEN.wire(), errors.get(1).code());
        assertEquals("third", errors.get(1).ref());
        assertNull(alice.closedWith());
    }

    @Test
    void checksRunInTheContractsOrder() {
        byte[] tooBig = new byte[PublishApi.MAX_BODY_BYTES + 1];
        assertEquals(401, api.post("Bearer wrong", "text/plain", tooBig).status());
        assertEquals(401, api.post(null, "application/json", tooBig).status());
        assertEquals(415, api.post("Bearer k", "text/plain", tooBig).status());
        assertEquals(413, api.post("Bearer k", "application/json; charset=utf-8", tooBig).status());
        assertEquals(400, api.post("Bearer k", "application/json", "[]".getBytes(StandardCharsets.UTF_8)).status());
    }

    @Test
    void badRequestsNameTheirCode() {
        assertEquals("{\"error\":\"bad_json\",\"message\":\"the body is not valid JSON\"}", publish("{").json());
        assertEquals(400, publish("{\"user\":\"a\",\"topic\":\"b\",\"title\":\"t\"}").status());
        assertEquals(400, publish("{\"title\":\"t\"}").status());
        assertEquals(400, publish("{\"user\":\"a\",\"title\":\"\"}").status());
        assertEquals(400, publish("{\"user\":\"a\",\"title\":\"" + "x".repeat(201) + "\"}").status());
        assertEquals(400, publish("{\"user\":\"a\",\"title\":\"t\",\"data\":[1]}").status());
        assertEquals(400, publish("{\"user\":\"a\",\"title\":\"t\",\"data\":{\"k\":\"" + "x".repeat(17_000) + "\"}}").status());
        assertEquals(400, publish("{\"user\":\"no spaces\",\"title\":\"t\"}").status());
        assertTrue(publish("{\"user\":\"a\",\"title\":5}").json().contains("\"error\":\"invalid\""));
    }

    @Test
    void publishersOverTheirRateGet429() {
        Limits tight = Limits.from(Settings.of(Map.of("switchboard.publishesPerSecond", "0.001", "switchboard.publishBurst", "2")));
        PublishApi limited = new PublishApi(notifications, store.publishIds(), new PublishKey("k"), Codec.standard(), tight);
        byte[] body = "{\"user\":\"a\",\"title\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(202, limited.post("Bearer k", "application/json", body).status());
        assertEquals(202, limited.post("Bearer k", "application/json", body).status());
        assertEquals(429, limited.post("Bearer k", "application/json", body).status());
    }
}
