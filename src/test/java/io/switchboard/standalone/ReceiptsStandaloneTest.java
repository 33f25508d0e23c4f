package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.channel.MemoryStore;
import io.switchboard.channel.TestStores;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Receipt;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Read receipts in rooms (contract section 11) against the standalone server. The rate limit is
 * raised so that a client can really flood {@code read}s; everything else is at its default.
 */
class ReceiptsStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of(
            "switchboard.framesPerSecond", "1000", "switchboard.frameBurst", "1000"));

    /** {@code user} says {@code count} messages in {@code room}; returns the last seq. */
    private static long say(WsRecorder speaker, int count) {
        long last = 0;
        for (int i = 0; i < count; i++) {
            speaker.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"s" + i + "\"}");
            last = speaker.await(Ack.class).seq();
        }
        return last;
    }

    private static String read(long seq, String ref) {
        return "{\"type\":\"read\",\"seq\":" + seq + ",\"ref\":\"" + ref + "\"}";
    }

    @Test
    void aReadIsAnnouncedToEveryMemberTheReadersOwnConnectionsIncluded() {
        try (WsRecorder bob = server.chat("seen-room", "bob");
             WsRecorder alice = server.chat("seen-room", "alice");
             WsRecorder aliceOtherTab = server.chat("seen-room", "alice")) {
            say(bob, 3);

            alice.send(read(2, "r1"));

            Receipt expected = new Receipt("alice", 2);
            assertEquals(expected, bob.await(Receipt.class));
            assertEquals(expected, alice.await(Receipt.class));
            assertEquals(expected, aliceOtherTab.await(Receipt.class));
            // A valid read has no reply of its own, even with a ref.
            assertEquals(List.of(), alice.roundTrip().stream().filter(Error.class::isInstance).toList());
        }
    }

    @Test
    void aReadAboveTheLatestIsClampedToIt() {
        try (WsRecorder bob = server.chat("clamp-room", "bob");
             WsRecorder alice = server.chat("clamp-room", "alice")) {
            long latest = say(bob, 2);

            alice.send(read(1_000_000, "r1"));

            assertEquals(new Receipt("alice", latest), bob.await(Receipt.class));
        }
    }

    @Test
    void theMarkNeverGoesDownAndAReadThatDoesNotRaiseItSendsNothing() {
        try (WsRecorder bob = server.chat("down-room", "bob");
             WsRecorder alice = server.chat("down-room", "alice")) {
            say(bob, 3);
            alice.send(read(3, "r1"));
            assertEquals(new Receipt("alice", 3), bob.await(Receipt.class));

            alice.await(Receipt.class);

            alice.send(read(1, "r2"));
            alice.send(read(3, "r3"));
            // Past the 1 s spacing, so a receipt that was due would have come.
            bob.expectSilence(Duration.ofMillis(1500));
            assertEquals(List.of(), alice.roundTrip(), "no reply and no receipt");

            try (WsRecorder carol = WsRecorder.open(server.ws("/chat/down-room?user=carol"))) {
                assertEquals(Map.of("alice", 3L), carol.expect(Welcome.class).reads());
            }
        }
    }

    @Test
    void aReadOfZeroOrInAnEmptyRoomSendsNothing() {
        try (WsRecorder bob = server.chat("empty-room", "bob");
             WsRecorder alice = server.chat("empty-room", "alice")) {
            bob.roundTrip(); // past alice's join
            alice.send(read(0, "r1"));
            alice.send(read(5, "r2")); // clamped to 0: the room is empty

            bob.expectSilence(Duration.ofMillis(1500));
            assertEquals(List.of(), alice.roundTrip());
        }
    }

    @Test
    void invalidReadsAreAnsweredWithInvalidAndTheirRefAndTheConnectionLives() {
        try (WsRecorder alice = server.chat("invalid-read-room", "alice")) {
            for (String frame : List.of(
                    "{\"type\":\"read\",\"ref\":\"r1\"}",
                    "{\"type\":\"read\",\"seq\":-1,\"ref\":\"r1\"}",
                    "{\"type\":\"read\",\"seq\":\"7\",\"ref\":\"r1\"}",
                    "{\"type\":\"read\",\"seq\":1.5,\"ref\":\"r1\"}",
                    "{\"type\":\"read\",\"seq\":null,\"ref\":\"r1\"}")) {
                alice.send(frame);
                Error error = alice.expect(Error.class);
                assertEquals("invalid", error.code(), frame);
                assertEquals("r1", error.ref(), frame);
            }
            alice.expectNothingPending();
        }
    }

    @Test
    void aFloodOfReadsMakesAtMostOneReceiptASecondAndTheLatestMarkArrivesWithinTwoSeconds() throws Exception {
        try (WsRecorder bob = server.chat("flood-room", "bob");
             WsRecorder alice = server.chat("flood-room", "alice")) {
            int reads = 200;
            say(bob, reads);
            bob.roundTrip(); // past bob's own acks and messages

            long start = System.nanoTime();
            CompletableFuture<Long> lastSent = CompletableFuture.supplyAsync(() -> {
                for (int seq = 1; seq <= reads; seq++) {
                    alice.send(read(seq, "f" + seq));
                    try {
                        Thread.sleep(12); // about 2.4 s of reads, 80 a second
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
                return System.nanoTime();
            });

            List<Long> arrivals = new ArrayList<>();
            List<Long> marks = new ArrayList<>();
            long mark = 0;
            while (mark < reads) {
                Receipt receipt = bob.await(Receipt.class);
                arrivals.add(System.nanoTime());
                mark = receipt.readUpTo();
                marks.add(mark);
            }
            long finished = lastSent.get(10, TimeUnit.SECONDS);
            long lastArrival = arrivals.get(arrivals.size() - 1);

            double seconds = (lastArrival - start) / 1e9;
            assertTrue(marks.size() <= Math.ceil(seconds) + 1,
                    marks.size() + " receipts in " + seconds + " s: " + marks);
            assertTrue(marks.size() >= 2, "the first read is announced at once, the later ones after the spacing: " + marks);
            for (int i = 1; i < marks.size(); i++) {
                assertTrue(marks.get(i) > marks.get(i - 1), "receipts only go up: " + marks);
                long gapMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1));
                // The server spaces them 1 s apart (reads came every 12 ms); the margin is for delivery
                // jitter on a loaded machine, where one receipt may leave late and the next on time.
                assertTrue(gapMillis >= 500, "receipts " + gapMillis + " ms apart: " + marks);
            }
            long lateMillis = TimeUnit.NANOSECONDS.toMillis(lastArrival - finished);
            assertTrue(lateMillis < 2000, "the latest mark came " + lateMillis + " ms after the last read");
            bob.expectSilence(Duration.ofMillis(1200));
        }
    }

    @Test
    void welcomeListsTheMarksOfTheListedMembersAndIsEmptyWhenNoneHasOne() {
        try (WsRecorder bob = WsRecorder.open(server.ws("/chat/welcome-reads-room?user=bob"))) {
            Welcome first = bob.expect(Welcome.class);
            assertNotNull(first.reads(), "reads is always present in a chat welcome");
            assertEquals(Map.of(), first.reads());
            try (WsRecorder alice = server.chat("welcome-reads-room", "alice")) {
                say(bob, 3);
                alice.send(read(2, "r1"));
                bob.await(Receipt.class);

                try (WsRecorder carol = WsRecorder.open(server.ws("/chat/welcome-reads-room?user=carol"))) {
                    Welcome welcome = carol.expect(Welcome.class);
                    assertEquals(List.of("bob", "alice", "carol"), welcome.members());
                    assertEquals(Map.of("alice", 2L), welcome.reads(), "only members with a mark above 0");
                }
            }
            // Alice left: she is not listed, so neither is her mark.
            try (WsRecorder dave = WsRecorder.open(server.ws("/chat/welcome-reads-room?user=dave"))) {
                Welcome welcome = dave.await(Welcome.class);
                assertFalse(welcome.members().contains("alice"), welcome::toString);
                assertEquals(Map.of(), welcome.reads());
            }
            // Back again: her own mark comes with her welcome.
            try (WsRecorder alice = WsRecorder.open(server.ws("/chat/welcome-reads-room?user=alice"))) {
                assertEquals(Map.of("alice", 2L), alice.expect(Welcome.class).reads());
            }
        }
    }

    @Test
    void aCleanShutdownKeepsTheMarksNotYetWritten() throws Exception {
        MemoryStore store = TestStores.memory(1000);
        RunningServer node = RunningServer.start(Map.of(), store);
        try (WsRecorder bob = WsRecorder.open(node.ws("/chat/shutdown-room?user=bob"));
             WsRecorder alice = WsRecorder.open(node.ws("/chat/shutdown-room?user=alice"))) {
            bob.expect(Welcome.class);
            alice.expect(Welcome.class);
            say(bob, 3);
            alice.send(read(1, "r1"));
            assertEquals(new Receipt("alice", 1), alice.await(Receipt.class));
            alice.send(read(3, "r2")); // within the spacing: not written yet
            alice.roundTrip();
            assertEquals(1L, store.readMarks().get("room:shutdown-room", "alice").get(5, TimeUnit.SECONDS));
        } finally {
            node.close();
        }
        assertEquals(3L, store.readMarks().get("room:shutdown-room", "alice").get(5, TimeUnit.SECONDS));
    }
}
