package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.History;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Pong;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Typing;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat frames of contract section 3.1 and the chat details of section 7, on default settings. */
class ChatStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    @Test
    void sayIsBroadcastToEveryMemberAndAcknowledged() {
        try (WsRecorder alice = server.chat("say-room", "alice");
             WsRecorder bob = WsRecorder.open(server.ws("/chat/say-room?user=bob"))) {
            Welcome welcome = bob.expect(Welcome.class);
            assertEquals(2, welcome.count());
            assertEquals(List.of("alice", "bob"), welcome.members());
            assertEquals(new Presence("join", "bob", 2), alice.expect(Presence.class));

            alice.send("{\"type\":\"say\",\"text\":\"hello\",\"ref\":\"r1\"}");
            Message seen = bob.expect(Message.class);
            assertEquals("say-room", seen.room());
            assertEquals("hello", seen.text());
            assertEquals("alice", seen.from());
            assertEquals("alice", seen.name(), "in dev mode the display name is the user id");
            assertEquals(1, seen.seq());
            assertNotNull(Instant.parse(seen.at()));
            assertEquals(seen, alice.expect(Message.class));
            assertEquals(new Ack("r1", 1), alice.expect(Ack.class));
            bob.expectNothingPending();
        }
    }

    @Test
    void welcomeWithoutSinceCarriesNoRecoveredFlag() {
        try (WsRecorder carol = WsRecorder.open(server.ws("/chat/quiet-room?user=carol"))) {
            Welcome welcome = carol.expect(Welcome.class);
            assertEquals("quiet-room", welcome.room());
            assertEquals("carol", welcome.user());
            assertNull(welcome.recovered());
            assertEquals(0, welcome.seq());
            assertNotNull(welcome.epoch());
            assertEquals(List.of(), welcome.messages());
            assertEquals(1, welcome.count(), "count includes the connecting user");
            assertEquals(List.of("carol"), welcome.members());
        }
    }

    @Test
    void welcomeCarriesTheLatestSeqAndMessages() {
        try (WsRecorder dan = server.chat("filled-room", "dan")) {
            dan.send("{\"type\":\"say\",\"text\":\"one\"}");
            dan.send("{\"type\":\"say\",\"text\":\"two\"}");
            dan.await(Ack.class, ack -> ack.seq() == 2);
            try (WsRecorder erin = WsRecorder.open(server.ws("/chat/filled-room?user=erin"))) {
                Welcome welcome = erin.expect(Welcome.class);
                assertEquals(2, welcome.seq());
                assertEquals(List.of("one", "two"), welcome.messages().stream().map(Message::text).toList());
            }
        }
    }

    @Test
    void sayWithoutRefIsAcknowledgedWithoutRef() {
        try (WsRecorder frank = server.chat("noref-room", "frank")) {
            frank.send("{\"type\":\"say\",\"text\":\"no ref\"}");
            assertEquals(1, frank.expect(Message.class).seq());
            assertEquals(new Ack(null, 1), frank.expect(Ack.class));
        }
    }

    @Test
    void joinGoesToTheOthersButNotToTheJoiningConnection() {
        try (WsRecorder gina = server.chat("join-room", "gina");
             WsRecorder hank = server.chat("join-room", "hank")) {
            assertEquals(Presence.join("hank", 2), gina.expect(Presence.class));
            hank.expectNothingPending();
        }
    }

    @Test
    void aUserWithTwoConnectionsJoinsOnceAndLeavesWithTheLast() {
        try (WsRecorder watcher = server.chat("tabs-room", "watcher")) {
            WsRecorder tab1 = server.chat("tabs-room", "ivy");
            assertEquals(Presence.join("ivy", 2), watcher.expect(Presence.class));

            WsRecorder tab2 = WsRecorder.open(server.ws("/chat/tabs-room?user=ivy"));
            Welcome second = tab2.expect(Welcome.class);
            assertEquals(2, second.count(), "joining twice counts the user once");
            assertEquals(List.of("watcher", "ivy"), second.members(), "each member once");
            watcher.expectNothingPending();
            tab1.expectNothingPending();

            int before = server.switchboard().transport().connections().size();
            tab1.close();
            server.awaitConnections(before - 1);
            watcher.expectNothingPending();

            tab2.close();
            assertEquals(Presence.leave("ivy", 1), watcher.expect(Presence.class));
        }
    }

    @Test
    void welcomeListsEachMemberOnceAndAtMostTheFirstHundred() {
        List<WsRecorder> crowd = new ArrayList<>();
        try {
            for (int i = 0; i < 101; i++) {
                crowd.add(server.chat("crowded-room", "user" + i));
            }
            try (WsRecorder late = WsRecorder.open(server.ws("/chat/crowded-room?user=user0"))) {
                Welcome welcome = late.expect(Welcome.class);
                assertEquals(101, welcome.count(), "count is every user online, not capped");
                assertEquals(100, welcome.members().size());
                assertEquals(100, welcome.members().stream().distinct().count());
                assertEquals("user0", welcome.members().get(0), "the first, in join order");
                assertEquals("user99", welcome.members().get(99));
            }
        } finally {
            crowd.forEach(WsRecorder::close);
        }
    }

    @Test
    void aDroppedConnectionLeavesAtOnceWithoutWaitingForTheIdleLimit() {
        try (WsRecorder watcher = server.chat("drop-room", "watcher")) {
            RawWebSocket dropped = RawWebSocket.open(server.port(), "/chat/drop-room?user=dropper");
            assertEquals(Presence.join("dropper", 2), watcher.expect(Presence.class));
            dropped.close(); // TCP closed with no close frame
            assertEquals(Presence.leave("dropper", 1), watcher.expect(Presence.class));
        }
    }

    @Test
    void presenceStaysConsistentWhileTabsOpenAndCloseConcurrently() throws Exception {
        int users = 5;
        int tabsPerUser = 4;
        try (WsRecorder observer = server.chat("churn-room", "observer")) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> churn = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    for (int t = 0; t < tabsPerUser; t++) {
                        String user = "churn" + u;
                        churn.add(pool.submit(() -> {
                            for (int round = 0; round < 3; round++) {
                                WsRecorder.open(server.ws("/chat/churn-room?user=" + user)).close();
                            }
                        }));
                    }
                }
                for (Future<?> done : churn) {
                    done.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            server.awaitConnections(1);
            // Replay what the observer saw: joins and leaves alternate per user, and every count is right.
            Set<String> present = new HashSet<>();
            for (ServerMessage frame : observer.roundTrip()) {
                Presence presence = (Presence) frame;
                if (presence.event().equals("join")) {
                    assertTrue(present.add(presence.user()), () -> "a second join for " + presence.user());
                } else {
                    assertTrue(present.remove(presence.user()), () -> "a leave without a join for " + presence.user());
                }
                assertEquals(present.size() + 1, presence.count(), () -> "count after " + presence);
            }
            assertEquals(Set.of(), present, "everyone who joined left");
        }
    }

    @Test
    void typingGoesToOtherUsersOnly() {
        try (WsRecorder jack = server.chat("typing-room", "jack");
             WsRecorder jackTab = server.chat("typing-room", "jack");
             WsRecorder kim = server.chat("typing-room", "kim")) {
            jack.await(Presence.class);
            jackTab.await(Presence.class);
            jack.send("{\"type\":\"typing\"}");
            assertEquals(new Typing("jack"), kim.expect(Typing.class));
            jack.expectNothingPending();
            jackTab.expectNothingPending();
        }
    }

    @Test
    void typingIsNotStored() {
        try (WsRecorder lou = server.chat("typing-store-room", "lou")) {
            lou.send("{\"type\":\"typing\"}");
            lou.send("{\"type\":\"history\",\"ref\":\"h\"}");
            assertEquals(new History("h", List.of(), false), lou.expect(History.class));
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheRef() {
        try (WsRecorder max = server.chat("ping-room", "max")) {
            max.send("{\"type\":\"ping\",\"ref\":\"p-1\"}");
            assertEquals(new Pong("p-1"), max.expect(Pong.class));
            max.send("{\"type\":\"ping\"}");
            assertEquals(new Pong(null), max.expect(Pong.class));
        }
    }

    @Test
    void historyPagesBackwardsWithBeforeExclusiveAndMore() {
        try (WsRecorder ned = server.chat("history-room", "ned")) {
            for (int i = 1; i <= 7; i++) {
                ned.send("{\"type\":\"say\",\"text\":\"m" + i + "\"}");
            }
            ned.await(Ack.class, ack -> ack.seq() == 7);
        }
        // ned's leave may still be on its way while olga pages: wait for replies by type.
        try (WsRecorder olga = server.chat("history-room", "olga")) {
            olga.send("{\"type\":\"history\",\"limit\":3,\"ref\":\"a\"}");
            History latest = olga.await(History.class);
            assertEquals("a", latest.ref());
            assertEquals(List.of(5L, 6L, 7L), seqs(latest.messages()), "without before, the page ends at the latest");
            assertTrue(latest.more());
            Message item = latest.messages().get(0);
            assertEquals(new Message("history-room", 5, "ned", "ned", "m5", item.at()), item,
                    "history items have the fields of message");

            olga.send("{\"type\":\"history\",\"before\":5,\"limit\":3,\"ref\":\"b\"}");
            History older = olga.await(History.class);
            assertEquals(List.of(2L, 3L, 4L), seqs(older.messages()), "before is exclusive");
            assertTrue(older.more());

            olga.send("{\"type\":\"history\",\"before\":2,\"limit\":3}");
            History oldest = olga.await(History.class);
            assertEquals(List.of(1L), seqs(oldest.messages()));
            assertFalse(oldest.more());

            olga.send("{\"type\":\"history\",\"before\":1}");
            assertEquals(new History(null, List.of(), false), olga.await(History.class));

            olga.send("{\"type\":\"history\"}");
            History all = olga.await(History.class);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs(all.messages()), "limit defaults to 50");
            assertFalse(all.more());
        }
    }

    @Test
    void historyLimitOutsideOneToHundredIsInvalid() {
        try (WsRecorder pam = server.chat("limit-room", "pam")) {
            pam.send("{\"type\":\"history\",\"limit\":0,\"ref\":\"zero\"}");
            assertError("invalid", "zero", pam.expect(Error.class));
            pam.send("{\"type\":\"history\",\"limit\":101,\"ref\":\"many\"}");
            assertError("invalid", "many", pam.expect(Error.class));
            pam.send("{\"type\":\"history\",\"limit\":100,\"ref\":\"ok\"}");
            assertEquals("ok", pam.expect(History.class).ref());
            pam.send("{\"type\":\"history\",\"limit\":1,\"ref\":\"one\"}");
            assertEquals("one", pam.expect(History.class).ref());
        }
    }

    @Test
    void sayingTheSameRefTwiceIsAcknowledgedWithTheFirstSeqAndNotPublishedAgain() {
        try (WsRecorder quinn = server.chat("idempotent-room", "quinn");
             WsRecorder rita = server.chat("idempotent-room", "rita")) {
            quinn.await(Presence.class);
            quinn.send("{\"type\":\"say\",\"text\":\"once\",\"ref\":\"same\"}");
            quinn.expect(Message.class);
            assertEquals(new Ack("same", 1), quinn.expect(Ack.class));
            assertEquals(1, rita.expect(Message.class).seq());

            quinn.send("{\"type\":\"say\",\"text\":\"once\",\"ref\":\"same\"}");
            assertEquals(new Ack("same", 1), quinn.expect(Ack.class), "the retry gets the first seq");
            rita.expectNothingPending();

            // The same ref from another connection of the same user (a reconnect) is still a retry.
            try (WsRecorder quinnAgain = server.chat("idempotent-room", "quinn")) {
                quinnAgain.send("{\"type\":\"say\",\"text\":\"once\",\"ref\":\"same\"}");
                assertEquals(new Ack("same", 1), quinnAgain.expect(Ack.class));
            }
            rita.expectNothingPending();

            // Refs belong to their user: rita's "same" is a new message.
            rita.send("{\"type\":\"say\",\"text\":\"mine\",\"ref\":\"same\"}");
            assertEquals(2, rita.expect(Message.class).seq());
            assertEquals(new Ack("same", 2), rita.expect(Ack.class));
        }
    }

    @Test
    void textLengthIsCountedInCodePoints() {
        String fourThousandEmoji = "\uD83D\uDE00".repeat(4000); // 8000 UTF-16 units, 4000 code points
        try (WsRecorder sam = server.chat("length-room", "sam")) {
            sam.send("{\"type\":\"say\",\"text\":\"" + fourThousandEmoji + "\",\"ref\":\"max\"}");
            assertEquals(fourThousandEmoji, sam.expect(Message.class).text());
            assertEquals(new Ack("max", 1), sam.expect(Ack.class));

            sam.send("{\"type\":\"say\",\"text\":\"" + fourThousandEmoji + "x\",\"ref\":\"over\"}");
            assertError("invalid", "over", sam.expect(Error.class));
            sam.send("{\"type\":\"say\",\"text\":\"" + "y".repeat(4001) + "\",\"ref\":\"over2\"}");
            assertError("invalid", "over2", sam.expect(Error.class));
        }
    }

    @Test
    void emptyOrMissingTextIsInvalidAndNotStored() {
        try (WsRecorder tom = server.chat("empty-room", "tom")) {
            tom.send("{\"type\":\"say\",\"text\":\"\",\"ref\":\"e\"}");
            assertError("invalid", "e", tom.expect(Error.class));
            tom.send("{\"type\":\"say\",\"ref\":\"m\"}");
            assertError("invalid", "m", tom.expect(Error.class));
            tom.send("{\"type\":\"say\",\"text\":\"first\"}");
            assertEquals(1, tom.expect(Message.class).seq(), "the rejected frames used no seq");
        }
    }

    static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).toList();
    }

    static void assertError(String code, String ref, Error error) {
        assertEquals(code, error.code(), () -> "error " + error);
        assertEquals(ref, error.ref(), () -> "error " + error);
        assertNotNull(error.message());
    }
}
