package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.FakePeer;
import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.SharedLogStore;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Connections;
import io.switchboard.notify.NodeForTests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seam for several servers: two nodes whose rooms and inboxes share one log each (as a
 * clustered log store will give them) deliver each other's items to their own members.
 */
class TwoNodesTest {

    private final Limits limits = Limits.from(Settings.of(Map.of("switchboard.frameBurst", "1000")));
    private final SharedLogStore cluster = new SharedLogStore(limits.retention());
    private final Chat nodeA = new Chat(cluster.node(), Codec.standard().server(), limits, new Connections(limits));
    private final Chat nodeB = new Chat(cluster.node(), Codec.standard().server(), limits, new Connections(limits));

    private static ChatConnection join(Chat node, String user, FakePeer peer) {
        return node.open(peer, new Identity(user, user), "lobby", new Handshake(Map.of(), Map.of()));
    }

    @Test
    void aMessageSaidOnOneNodeReachesMembersOnTheOtherInSeqOrder() {
        FakePeer alice = new FakePeer();
        FakePeer bob = new FakePeer();
        ChatConnection aliceOnA = join(nodeA, "alice", alice);
        ChatConnection bobOnB = join(nodeB, "bob", bob);

        aliceOnA.receive(new ClientMessage.Say("from a", null));
        bobOnB.receive(new ClientMessage.Say("from b", null));
        aliceOnA.receive(new ClientMessage.Say("a again", null));

        List<Long> expected = List.of(1L, 2L, 3L);
        assertEquals(expected, alice.sent(Message.class).stream().map(Message::seq).toList());
        assertEquals(expected, bob.sent(Message.class).stream().map(Message::seq).toList());
        assertEquals(List.of("from a", "from b", "a again"), bob.sent(Message.class).stream().map(Message::text).toList());
    }

    @Test
    void aNotificationPublishedOnOneNodeReachesTheUsersConnectionOnTheOther() {
        NodeForTests notifyA = new NodeForTests(cluster.node(), limits);
        NodeForTests notifyB = new NodeForTests(cluster.node(), limits);
        FakePeer tabOnB = new FakePeer();
        notifyB.open("carol", tabOnB);

        notifyA.publishTo("carol", "from node a");

        assertEquals(List.of("from node a"), tabOnB.sent(Notification.class).stream().map(Notification::title).toList());
    }
}
