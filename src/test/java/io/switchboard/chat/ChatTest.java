package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.FakePeer;
import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.TestStores;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.transport.Connections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Room logic with fake peers: no container, no sockets. */
class ChatTest {

    private final Limits limits = Limits.from(Settings.of(Map.of("switchboard.retention", "3",
            "switchboard.maxConnectionsPerUser", "2", "switchboard.frameBurst", "1000")));
    private final Connections connections = new Connections(limits);
    private final Chat chat = new Chat(TestStores.memory(limits.retention()), Codec.standard().server(), limits, connections);

    private ChatConnection join(String room, String user, FakePeer peer) {
        return join(room, user, peer, Map.of());
    }

    private ChatConnection join(String room, String user, FakePeer peer, Map<String, List<String>> query) {
        return chat.open(peer, new Identity(user, user), room, new Handshake(query, Map.of()));
    }

    @Test
    void joiningTwiceCountsTheUserOnce() {
        FakePeer bob = new FakePeer();
        join("lobby", "bob", bob);
        FakePeer alice1 = new FakePeer();
        FakePeer alice2 = new FakePeer();
        join("lobby", "alice", alice1);
        join("lobby", "alice", alice2);

        assertEquals(List.of(Presence.join("alice", 2)), bob.sent(Presence.class));
        Welcome second = alice2.sent(Welcome.class).get(0);
        assertEquals(2, second.count());
        assertEquals(List.of("bob", "alice"), second.members());
        assertEquals(List.of(), alice1.sent(Presence.class), "a join goes to the others, not the joiner");
    }

    @Test
    void leaveIsSentOnlyWhenTheUsersLastConnectionCloses() {
        FakePeer bob = new FakePeer();
        join("lobby", "bob", bob);
        ChatConnection tab1 = join("lobby", "alice", new FakePeer());
        ChatConnection tab2 = join("lobby", "alice", new FakePeer());
        bob.clear();

        tab1.closed();
        assertEquals(List.of(), bob.sent(Presence.class));
        tab2.closed();
        assertEquals(List.of(Presence.leave("alice", 1)), bob.sent(Presence.class));
    }

    @Test
    void sayBroadcastsToEveryMemberThenAcknowledgesTheSender() {
        FakePeer alice = new FakePeer();
        FakePeer bob = new FakePeer();
        ChatConnection aliceConnection = join("lobby", "alice", alice);
        join("lobby", "bob", bob);
        alice.clear();

        aliceConnection.receive(new ClientMessage.Say("hi", "r1"));

        Message message = bob.sent(Message.class).get(0);
        assertEquals(1, message.seq());
        assertEquals(List.of(message, new Ack("r1", 1)), alice.sent());
    }

    @Test
    void aRepeatedRefIsAcknowledgedWithTheFirstSeqAndNotPublishedAgain() {
        FakePeer alice = new FakePeer();
        ChatConnection connection = join("lobby", "alice", alice);
        connection.receive(new ClientMessage.Say("once", "r1"));
        connection.receive(new ClientMessage.Say("other", "r2"));
        alice.clear();

        connection.receive(new ClientMessage.Say("once", "r1"));

        assertEquals(List.of(new Ack("r1", 1)), alice.sent());
    }

    @Test
    void aRefIsForgottenOnceItsMessageLeavesRetention() {
        FakePeer alice = new FakePeer();
        ChatConnection connection = join("lobby", "alice", alice);
        connection.receive(new ClientMessage.Say("old", "r1"));
        for (int i = 0; i < 3; i++) {
            connection.receive(new ClientMessage.Say("filler " + i, null));
        }
        alice.clear();

        connection.receive(new ClientMessage.Say("old again", "r1"));

        assertEquals(5, alice.sent(Ack.class).get(0).seq());
    }

    @Test
    void refsAreKeptPerUser() {
        FakePeer alice = new FakePeer();
        FakePeer bob = new FakePeer();
        ChatConnection aliceConnection = join("lobby", "alice", alice);
        ChatConnection bobConnection = join("lobby", "bob", bob);
        aliceConnection.receive(new ClientMessage.Say("a", "same"));
        bob.clear();

        bobConnection.receive(new ClientMessage.Say("b", "same"));

        assertEquals(new Ack("same", 2), bob.sent(Ack.class).get(0));
    }

    @Test
    void typingGoesToOtherUsersOnly() {
        FakePeer alice1 = new FakePeer();
        FakePeer alice2 = new FakePeer();
        FakePeer bob = new FakePeer();
        ChatConnection typist = join("lobby", "alice", alice1);
        join("lobby", "alice", alice2);
        join("lobby", "bob", bob);

        typist.receive(new ClientMessage.Typing());

        assertEquals(List.of(new ServerMessage.Typing("alice")), bob.sent(ServerMessage.Typing.class));
        assertEquals(List.of(), alice2.sent(ServerMessage.Typing.class));
        assertEquals(List.of(), alice1.sent(ServerMessage.Typing.class));
    }

    @Test
    void textIsCountedInCodePointsAndMustNotBeEmpty() {
        Limits short5 = Limits.from(Settings.of(Map.of("switchboard.maxTextLength", "5")));
        Chat small = new Chat(TestStores.memory(10), Codec.standard().server(), short5, new Connections(short5));
        FakePeer alice = new FakePeer();
        ChatConnection connection = small.open(alice, new Identity("alice", "alice"), "lobby",
                new Handshake(Map.of(), Map.of()));
        alice.clear();

        connection.receive(new ClientMessage.Say("😀😀😀😀😀", "five")); // ten UTF-16 units, five code points
        connection.receive(new ClientMessage.Say("😀😀😀😀😀😀", "six"));
        connection.receive(new ClientMessage.Say("", "empty"));

        assertEquals(List.of(new Ack("five", 1)), alice.sent(Ack.class));
        List<ServerMessage.Error> errors = alice.sent(ServerMessage.Error.class);
        assertEquals(List.of("six", "empty"), errors.stream().map(ServerMessage.Error::ref).toList());
        assertTrue(errors.stream().allMatch(e -> e.code().equals(ErrorCode.INVALID.wire())));
    }

    @Test
    void historyPagesAreOldestFirstAndALimitOutOfRangeIsInvalid() {
        FakePeer alice = new FakePeer();
        ChatConnection connection = join("lobby", "alice", alice);
        for (int i = 1; i <= 3; i++) {
            connection.receive(new ClientMessage.Say("m" + i, null));
        }
        alice.clear();

        connection.receive(new ClientMessage.History(3L, 1, "h"));
        connection.receive(new ClientMessage.History(null, 101, "bad"));

        ServerMessage.History page = alice.sent(ServerMessage.History.class).get(0);
        assertEquals(List.of(2L), page.messages().stream().map(Message::seq).toList());
        assertTrue(page.more());
        assertEquals("bad", alice.sent(ServerMessage.Error.class).get(0).ref());
    }

    @Test
    void recoveryWithSinceAndEpochCarriesTheMissedMessages() {
        FakePeer alice = new FakePeer();
        ChatConnection connection = join("lobby", "alice", alice);
        connection.receive(new ClientMessage.Say("one", null));
        connection.receive(new ClientMessage.Say("two", null));
        String epoch = alice.sent(Welcome.class).get(0).epoch();

        FakePeer back = new FakePeer();
        join("lobby", "alice", back, Map.of("since", List.of("1"), "epoch", List.of(epoch)));

        Welcome welcome = back.sent(Welcome.class).get(0);
        assertEquals(Boolean.TRUE, welcome.recovered());
        assertEquals(List.of("two"), welcome.messages().stream().map(Message::text).toList());
    }

    @Test
    void anInvalidRoomNameIsRefusedWith4502BeforeAnyWelcome() {
        FakePeer peer = new FakePeer();
        Refusal refusal = assertThrows(Refusal.class, () -> join("Not A Room", "alice", peer));
        assertEquals(CloseCode.INVALID_NAME, refusal.code());
        assertEquals(List.of(), peer.sent());
    }

    @Test
    void oneConnectionTooManyForAUserIsRefusedWith1008() {
        join("a", "alice", new FakePeer());
        join("b", "alice", new FakePeer());
        Refusal refusal = assertThrows(Refusal.class, () -> join("c", "alice", new FakePeer()));
        assertEquals(CloseCode.POLICY, refusal.code());
    }

    @Test
    void aClosedConnectionFreesItsPlace() {
        ChatConnection first = join("a", "alice", new FakePeer());
        join("b", "alice", new FakePeer());
        first.closed();
        join("c", "alice", new FakePeer());
        assertEquals(2, connections.size());
    }

    @Test
    void anOverflowingPeerIsClosedWith1013AndLeavesTheRoom() {
        FakePeer bob = new FakePeer();
        join("lobby", "bob", bob);
        FakePeer slow = new FakePeer();
        join("lobby", "slow", slow);
        bob.clear();

        slow.overflow();

        assertEquals(CloseCode.TOO_SLOW, slow.closedWith());
        assertEquals(List.of(Presence.leave("slow", 1)), bob.sent(Presence.class));
    }

    @Test
    void everyQueuedFrameIsFlushed() {
        FakePeer alice = new FakePeer();
        ChatConnection connection = join("lobby", "alice", alice);
        join("lobby", "bob", new FakePeer());
        connection.receive(new ClientMessage.Say("x", "r"));
        connection.receive(new ClientMessage.Typing());
        assertEquals(List.of(), alice.unflushed());
        assertNull(alice.closedWith());
    }
}
