package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that stops reading (contract section 4, 1013; issue point 4): its outgoing queue passes
 * {@code maxQueuedBytes}, it is closed with 1013 and leaves the room, while a normal member receives
 * every message in order; it then recovers what it missed with {@code since}.
 */
class SlowConsumerStandaloneTest {

    static final int QUEUE_BYTES = 256 * 1024;
    static final String BIG = "x".repeat(16_000);
    static final int MAX_MESSAGES = 3000;

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of(
                "switchboard.maxQueuedBytes", Integer.toString(QUEUE_BYTES),
                "switchboard.maxTextLength", "20000",
                "switchboard.retention", Integer.toString(MAX_MESSAGES),
                "switchboard.framesPerSecond", "100000",
                "switchboard.frameBurst", "100000",
                // Long enough for the test to read the close frame before the server cuts the socket.
                "switchboard.closeGraceMs", "30000"));

    @Test
    void aClientThatStopsReadingIsClosedWith1013WhileANormalMemberGetsEverythingInOrder() {
        try (WsRecorder reader = server.chat("slow-room", "reader");
             WsRecorder slow = WsRecorder.open(server.ws("/chat/slow-room?user=slow"));
             WsRecorder sender = server.chat("slow-room", "sender")) {
            String epoch = slow.expect(Welcome.class).epoch();
            slow.expect(Presence.class); // sender's join
            assertEquals(Presence.join("slow", 2), reader.expect(Presence.class));
            assertEquals(Presence.join("sender", 3), reader.expect(Presence.class));
            slow.stopReading();

            long sent = 0;
            while (server.switchboard().transport().connections().size() == 3) {
                if (sent == MAX_MESSAGES) {
                    fail("the slow client was not closed after " + MAX_MESSAGES + " messages of " + BIG.length());
                }
                sender.send("{\"type\":\"say\",\"text\":\"" + BIG + "\",\"ref\":\"" + (sent + 1) + "\"}");
                // Paced by the acks: the sender is not the one under test, nor is the normal member.
                long expected = sent + 1;
                assertEquals(expected, sender.await(Ack.class).seq());
                sent = expected;
            }

            // The normal member: every message, 1..sent, in order, and the slow client's leave among them.
            boolean sawLeave = false;
            long next = 1;
            while (next <= sent) {
                ServerMessage frame = reader.next();
                if (frame instanceof Message message) {
                    assertEquals(next, message.seq(), "no gap, no duplicate");
                    next++;
                } else if (frame instanceof Presence presence) {
                    assertEquals(Presence.leave("slow", 2), presence);
                    sawLeave = true;
                }
            }
            if (!sawLeave) {
                assertEquals(Presence.leave("slow", 2), reader.await(Presence.class));
            }

            // The slow client reads again: what the server had already written, then the close frame.
            slow.resumeReading();
            slow.awaitClose(1013);
            long lastSeen = 0;
            while (!slow.nothingReceived()) {
                if (slow.next() instanceof Message message) {
                    assertEquals(lastSeen + 1, message.seq(), "in order up to the close");
                    lastSeen = message.seq();
                }
            }
            assertTrue(lastSeen < sent, "it was closed before it had everything: " + lastSeen + " of " + sent);

            // 1013 says: reconnect and recover with since, here from a little earlier than the close, as
            // a client that saved its place now and then would: more than the outgoing queue holds.
            long since = lastSeen - 20;
            assertTrue((sent - since) * BIG.length() > QUEUE_BYTES);
            try (WsRecorder back = WsRecorder.open(server.ws("/chat/slow-room?user=slow&since=" + since + "&epoch=" + epoch))) {
                Welcome welcome = back.expect(Welcome.class);
                assertEquals(Boolean.TRUE, welcome.recovered());
                assertEquals(sent, welcome.seq());
                // More than the queue holds: the welcome carries what fits, the rest follows as messages.
                assertTrue(welcome.messages().size() < sent - since, "the welcome is bounded");
                List<Long> recovered = new ArrayList<>();
                welcome.messages().forEach(message -> recovered.add(message.seq()));
                while (recovered.get(recovered.size() - 1) < sent) {
                    recovered.add(back.expect(Message.class).seq());
                }
                assertEquals(LongStream.rangeClosed(since + 1, sent).boxed().toList(), recovered);
                back.expectNothingPending();
            }
        }
    }
}
