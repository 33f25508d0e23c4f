package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.standalone.RunningServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Limits per remote address and per user, each on a server of its own with the limit made small. */
class LimitsHostileTest {

    RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void handshakesOverTheAddressRateAreRefusedWith429BeforeAnyWebSocket() {
        server = RunningServer.start(Map.of("switchboard.handshakesPerSecondPerAddress", "0.1",
                "switchboard.handshakeBurstPerAddress", "3"));
        for (int i = 0; i < 3; i++) {
            try (RawSocket ok = RawSocket.connect(server.port(), "/notifications?user=u" + i)) {
                assertEquals(101, ok.status());
            }
        }
        try (RawSocket refused = RawSocket.connect(server.port(), "/notifications?user=u9")) {
            assertEquals(429, refused.status());
        }
    }

    @Test
    void connectionsOverTheAddressLimitAreClosedWith1008() {
        server = RunningServer.start(Map.of("switchboard.maxConnectionsPerAddress", "3"));
        List<RawSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawSocket socket = RawSocket.connect(server.port(), "/notifications?user=a" + i);
                socket.nextText(Hostile.WAIT);
                open.add(socket);
            }
            try (RawSocket fourth = RawSocket.connect(server.port(), "/notifications?user=a9")) {
                assertEquals(1008, fourth.awaitClose(Hostile.WAIT));
                assertEquals(List.of(), fourth.texts(), "no welcome before the close");
            }
            open.remove(0).close();
            // The count goes down when a connection ends.
            long deadline = System.nanoTime() + Hostile.WAIT.toNanos();
            while (server.switchboard().transport().connections().size() > 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            try (RawSocket again = RawSocket.connect(server.port(), "/notifications?user=a9")) {
                again.nextText(Hostile.WAIT);
            }
        } finally {
            open.forEach(RawSocket::close);
        }
    }

    @Test
    void handshakesOverTheUserRateAreClosedWith1013() {
        server = RunningServer.start(Map.of("switchboard.handshakesPerSecondPerUser", "0.1",
                "switchboard.handshakeBurstPerUser", "2"));
        for (int i = 0; i < 2; i++) {
            try (RawSocket ok = RawSocket.connect(server.port(), "/notifications?user=eager")) {
                ok.nextText(Hostile.WAIT);
            }
        }
        try (RawSocket refused = RawSocket.connect(server.port(), "/notifications?user=eager")) {
            assertEquals(1013, refused.awaitClose(Hostile.WAIT));
        }
        try (RawSocket other = RawSocket.connect(server.port(), "/notifications?user=calm")) {
            other.nextText(Hostile.WAIT);
        }
    }
}
