package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.standalone.RunningServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounds on what a client sends that hold whatever the frames look like. */
class InboundBoundsHostileTest {

    private final RunningServer server = RunningServer.start(Map.of("switchboard.maxMessageBytes", "2048",
            "switchboard.handshakeBurstPerAddress", "3", "switchboard.handshakesPerSecondPerAddress", "0.01"));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMessageFragmentedIntoSmallFramesIsStillBoundedByMaxMessageBytes() {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/frag-room?user=frag")) {
            socket.nextText(Hostile.WAIT);
            byte[] part = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            socket.frame(false, 0, 0x1, "{\"type\":\"say\",\"text\":\"".getBytes(StandardCharsets.US_ASCII));
            socket.frame(false, 0, 0x0, part);
            socket.frame(false, 0, 0x0, part);
            socket.frame(false, 0, 0x0, part);
            // No final fragment: the server must not hold the message until it ends (up to 1 MiB before).
            assertEquals(1009, socket.awaitClose(Hostile.WAIT), "3 KB in fragments is over a 2 KiB limit");
        }
    }

    @Test
    void refusedOriginsCountAgainstTheAddressHandshakeRate() {
        for (int i = 0; i < 3; i++) {
            try (RawSocket refused = RawSocket.connect(server.port(), "/notifications?user=o" + i,
                    Map.of("Origin", "https://evil.example"))) {
                assertEquals(403, refused.status());
            }
        }
        try (RawSocket next = RawSocket.connect(server.port(), "/notifications?user=o9")) {
            assertEquals(429, next.status(), "refusals are not free: they spend the address's handshakes too");
        }
    }
}
