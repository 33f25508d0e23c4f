package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that vanish while their connection is being opened: a close that races the open must
 * still end the connection, so no ghost stays present in the room until the idle sweep.
 */
class OpenCloseRaceHostileTest {

    private final RunningServer server = RunningServer.start(Map.of("switchboard.handshakesPerSecondPerAddress", "10000",
            "switchboard.handshakeBurstPerAddress", "10000", "switchboard.handshakeBurstPerUser", "10000",
            "switchboard.handshakesPerSecondPerUser", "10000"));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void clientsResetDuringTheirOpenLeaveNoGhostInPresence() throws IOException {
        for (int i = 0; i < 200; i++) {
            try (Socket socket = RawSocket.tcp(server.port())) {
                String request = "GET /chat/racy?user=ghost" + (i % 20) + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(("key-" + (10_000_000 + i)).getBytes(StandardCharsets.US_ASCII))
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
                // The handshake and a close frame in one write, then a reset: the close lands while the open runs.
                byte[] head = request.getBytes(StandardCharsets.ISO_8859_1);
                byte[] close = RawSocket.encode(true, 0, 0x8, new byte[] {0x03, (byte) 0xE8}, true, RawSocket.Length.MINIMAL);
                byte[] both = new byte[head.length + close.length];
                System.arraycopy(head, 0, both, 0, head.length);
                System.arraycopy(close, 0, both, head.length, close.length);
                socket.getOutputStream().write(both);
                socket.setSoLinger(true, 0);
            }
        }
        // Handshakes still queued in the server may open after the count first reaches 0, so look
        // again until the room is empty of ghosts; a ghost that stays for the whole wait (it would stay
        // until the idle sweep) fails.
        long deadline = System.nanoTime() + WsRecorder.WAIT.toNanos();
        List<String> members;
        do {
            server.awaitConnections(0);
            try (WsRecorder observer = WsRecorder.open(server.ws("/chat/racy?user=observer"))) {
                members = observer.expect(Welcome.class).members();
            }
        } while (!members.equals(List.of("observer")) && System.nanoTime() < deadline);
        assertEquals(List.of("observer"), members, "no ghost is present");
    }
}
