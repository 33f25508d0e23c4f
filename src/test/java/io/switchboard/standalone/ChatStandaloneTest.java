package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatStandaloneTest {

    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

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
            assertEquals("hello", seen.text());
            assertEquals("alice", seen.from());
            assertEquals(1, seen.seq());
            assertEquals(seen, alice.expect(Message.class));
            assertEquals(new Ack("r1", 1), alice.expect(Ack.class));
        }
    }

    @Test
    void welcomeWithoutSinceCarriesNoRecoveredFlag() {
        try (WsRecorder carol = WsRecorder.open(server.ws("/chat/quiet-room?user=carol"))) {
            Welcome welcome = carol.expect(Welcome.class);
            assertNull(welcome.recovered());
            assertEquals(0, welcome.seq());
            assertEquals(List.of(), welcome.messages());
        }
    }
}
