package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Receipt;
import io.switchboard.protocol.ServerMessage.Typing;
import io.switchboard.protocol.ServerMessage.Unread;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protocol section 9 across three standalone nodes, each its own process on loopback, clustered
 * through embedded Hazelcast on the memory store: one order per room with senders on every node,
 * presence counted over all nodes, an inbox and its {@code read} on every node, idempotency of
 * says and publishes whichever node a retry reaches.
 */
class ClusterStandaloneTest {

    static Nodes nodes;

    @BeforeAll
    static void start() throws Exception {
        nodes = new Nodes(3, Nodes.memory());
        nodes.awaitFormed();
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void everyMemberOnEveryNodeReceivesOneOrderWhileEveryNodeHasASender() throws Exception {
        int perSender = 40;
        List<WsRecorder> members = new ArrayList<>();
        List<WsRecorder> senders = new ArrayList<>();
        try {
            for (int node = 0; node < 3; node++) {
                for (int m = 0; m < 2; m++) {
                    WsRecorder member = WsRecorder.open(nodes.ws(node, "/chat/order?user=m" + node + m));
                    member.expect(Welcome.class);
                    members.add(member);
                }
                WsRecorder sender = WsRecorder.open(nodes.ws(node, "/chat/order?user=s" + node));
                sender.expect(Welcome.class);
                senders.add(sender);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<?>> sending = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                WsRecorder sender = senders.get(s);
                int index = s;
                sending.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        sender.send("{\"type\":\"say\",\"text\":\"s" + index + "-" + i + "\",\"ref\":\"r" + i + "\"}");
                    }
                }));
            }
            for (Future<?> f : sending) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            int total = 3 * perSender;
            Map<Long, String> agreed = new ConcurrentHashMap<>();
            List<WsRecorder> everyone = new ArrayList<>(members);
            everyone.addAll(senders);
            for (WsRecorder member : everyone) {
                long expected = 1;
                while (expected <= total) {
                    Message message = member.await(Message.class);
                    assertEquals(expected, message.seq(), "seqs follow each other without a gap");
                    String first = agreed.putIfAbsent(message.seq(), message.text());
                    if (first != null) {
                        assertEquals(first, message.text(), "every member has the same message as seq " + message.seq());
                    }
                    expected++;
                }
            }
            assertEquals(total, agreed.size());
            int[] next = new int[3];
            new java.util.TreeMap<>(agreed).forEach((seq, text) -> {
                int sender = text.charAt(1) - '0';
                assertEquals("s" + sender + "-" + next[sender], text, "each sender's says are stored in the order sent");
                next[sender]++;
            });
        } finally {
            members.forEach(WsRecorder::close);
            senders.forEach(WsRecorder::close);
        }
    }

    @Test
    void presenceIsCountedOverAllNodesAndALeaveCrossesThem() {
        try (WsRecorder ann = WsRecorder.open(nodes.ws(0, "/chat/presence?user=ann"))) {
            assertEquals(1, ann.expect(Welcome.class).count());
            try (WsRecorder ben = WsRecorder.open(nodes.ws(1, "/chat/presence?user=ben"))) {
                Welcome welcome = ben.expect(Welcome.class);
                assertEquals(2, welcome.count(), "ben's welcome counts ann on another node");
                assertTrue(welcome.members().contains("ann"), "and lists her: " + welcome.members());
                Presence joined = ann.await(Presence.class, p -> p.user().equals("ben"));
                assertEquals("join", joined.event());
                assertEquals(2, joined.count());
                try (WsRecorder ben2 = WsRecorder.open(nodes.ws(2, "/chat/presence?user=ben"))) {
                    assertEquals(2, ben2.expect(Welcome.class).count(), "a user with two connections on two nodes counts once");
                    ann.send("{\"type\":\"typing\"}");
                    assertEquals("ann", ben2.await(Typing.class).user(), "typing crosses nodes");
                }
                ann.expectSilence(java.time.Duration.ofMillis(500)); // ben is still here through his first connection
            }
            Presence left = ann.await(Presence.class, p -> p.user().equals("ben"));
            assertEquals("leave", left.event());
            assertEquals(1, left.count());
        }
    }

    @Test
    void anInboxReachesTheUsersConnectionsOnEveryNodeAndReadUpdatesThemAll() throws Exception {
        try (WsRecorder one = WsRecorder.open(nodes.ws(0, "/notifications?user=carol"));
             WsRecorder two = WsRecorder.open(nodes.ws(1, "/notifications?user=carol"))) {
            one.expect(Welcome.class);
            two.expect(Welcome.class);
            HttpResponse<String> answer = nodes.publish(2, "{\"user\":\"carol\",\"title\":\"hello\",\"id\":\"c1\"}");
            assertEquals(202, answer.statusCode(), answer.body());
            long seq = seqOf(answer);
            assertEquals(2, Json.createReader(new StringReader(answer.body())).readObject().getInt("delivered"),
                    "delivered counts the connections on the two other nodes: " + answer.body());
            assertEquals(seq, one.await(Notification.class).seq());
            assertEquals(seq, two.await(Notification.class).seq());
            one.send("{\"type\":\"read\",\"seq\":" + seq + ",\"ref\":\"r\"}");
            assertEquals(0, one.await(Unread.class, u -> "r".equals(u.ref())).count());
            Unread elsewhere = two.await(Unread.class);
            assertEquals(seq, elsewhere.readUpTo(), "read reaches the connection on the other node");
            assertEquals(0, elsewhere.count());
            try (WsRecorder three = WsRecorder.open(nodes.ws(2, "/notifications?user=carol"))) {
                assertEquals(0, three.expect(Welcome.class).unread(), "the mark is shared: a third node counts nothing unread");
            }
        }
    }

    @Test
    void aRetriedSayOrPublishOnAnotherNodeIsPublishedOnce() throws Exception {
        long first;
        try (WsRecorder dan = WsRecorder.open(nodes.ws(0, "/chat/idem?user=dan"))) {
            dan.expect(Welcome.class);
            dan.send("{\"type\":\"say\",\"text\":\"once\",\"ref\":\"only\"}");
            first = dan.await(Ack.class, a -> "only".equals(a.ref())).seq();
        }
        try (WsRecorder dan = WsRecorder.open(nodes.ws(1, "/chat/idem?user=dan"))) {
            Welcome welcome = dan.expect(Welcome.class);
            assertEquals(first, welcome.seq());
            dan.send("{\"type\":\"say\",\"text\":\"once\",\"ref\":\"only\"}");
            assertEquals(first, dan.await(Ack.class, a -> "only".equals(a.ref())).seq(), "the retry gets the first seq");
            dan.send("{\"type\":\"say\",\"text\":\"next\",\"ref\":\"other\"}");
            assertEquals(first + 1, dan.await(Ack.class, a -> "other".equals(a.ref())).seq(), "and took none");
        }
        HttpResponse<String> published = nodes.publish(0, "{\"user\":\"erin\",\"title\":\"t\",\"id\":\"same\"}");
        assertEquals(202, published.statusCode(), published.body());
        HttpResponse<String> retried = nodes.publish(2, "{\"user\":\"erin\",\"title\":\"t\",\"id\":\"same\"}");
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(seqOf(published), seqOf(retried));
        try (WsRecorder erin = WsRecorder.open(nodes.ws(1, "/notifications?user=erin"))) {
            assertEquals(1, erin.expect(Welcome.class).seq(), "published once");
        }
    }

    @Test
    void aReceiptReachesTheRoomOnEveryNode() {
        try (WsRecorder fay = WsRecorder.open(nodes.ws(0, "/chat/receipts?user=fay"));
             WsRecorder gus = WsRecorder.open(nodes.ws(1, "/chat/receipts?user=gus"))) {
            fay.expect(Welcome.class);
            gus.expect(Welcome.class);
            fay.send("{\"type\":\"say\",\"text\":\"read me\",\"ref\":\"1\"}");
            long seq = fay.await(Ack.class).seq();
            gus.await(Message.class);
            gus.send("{\"type\":\"read\",\"seq\":" + seq + "}");
            Receipt receipt = fay.await(Receipt.class, r -> r.user().equals("gus"));
            assertEquals(seq, receipt.readUpTo());
        }
    }

    static long seqOf(HttpResponse<String> answer) {
        JsonObject body = Json.createReader(new StringReader(answer.body())).readObject();
        return body.getJsonNumber("seq").longValue();
    }
}
