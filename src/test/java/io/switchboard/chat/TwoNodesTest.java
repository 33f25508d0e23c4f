package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.FakePeer;
import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.DelayedSharedStore;
import io.switchboard.channel.Store;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.notify.NodeForTests;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Connections;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one store whose announcements to the other node come late, on another thread,
 * out of order: each node's members still get every message once, in seq order.
 */
class TwoNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Limits limits = Limits.from(Settings.of(Map.of("switchboard.frameBurst", "1000")));
    private final DelayedSharedStore cluster = new DelayedSharedStore(limits.retention(), 20, 0);
    private final Store storeA = cluster.node();
    private final Store storeB = cluster.node();
    private final Chat nodeA = new Chat(storeA, Codec.standard().server(), limits, new Connections(limits));
    private final Chat nodeB = new Chat(storeB, Codec.standard().server(), limits, new Connections(limits));

    private static ChatConnection join(Chat node, String user, FakePeer peer) {
        return node.open(peer, new Identity(user, user), "lobby", new Handshake(Map.of(), Map.of()));
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aMessageSaidOnOneNodeReachesMembersOnTheOtherInSeqOrder() throws InterruptedException {
        FakePeer alice = new FakePeer();
        FakePeer bob = new FakePeer();
        ChatConnection aliceOnA = join(nodeA, "alice", alice);
        ChatConnection bobOnB = join(nodeB, "bob", bob);
        await("both welcomed", () -> alice.sent().size() == 1 && !bob.sent().isEmpty());

        aliceOnA.receive(new ClientMessage.Say("from a", "1"));
        bobOnB.receive(new ClientMessage.Say("from b", "2"));
        aliceOnA.receive(new ClientMessage.Say("a again", "3"));

        await("three messages on both nodes", () -> alice.sent(Message.class).size() == 3 && bob.sent(Message.class).size() == 3);
        List<Long> expected = List.of(1L, 2L, 3L);
        assertEquals(expected, alice.sent(Message.class).stream().map(Message::seq).toList());
        assertEquals(expected, bob.sent(Message.class).stream().map(Message::seq).toList());
    }

    @Test
    void aNotificationPublishedOnOneNodeReachesTheUsersConnectionOnTheOther() throws InterruptedException {
        NodeForTests notifyA = new NodeForTests(storeA, limits);
        NodeForTests notifyB = new NodeForTests(storeB, limits);
        FakePeer tabOnB = new FakePeer();
        notifyB.open("carol", tabOnB);
        await("welcomed", () -> !tabOnB.sent().isEmpty());

        notifyA.publishTo("carol", "from node a");

        await("the notification on node b", () -> !tabOnB.sent(Notification.class).isEmpty());
        assertEquals(List.of("from node a"), tabOnB.sent(Notification.class).stream().map(Notification::title).toList());
    }
}
