package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.standalone.RunningServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With an allow-list, only its origins open a WebSocket; even the server's own origin gets 403. */
class OriginAllowListHostileTest {

    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("switchboard.allowedOrigins", "https://app.example.com, http://localhost:3000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listedOriginsAreAcceptedWithDefaultPortsNormalised() {
        for (String origin : new String[] {"https://app.example.com", "https://APP.example.com:443", "http://localhost:3000"}) {
            try (RawSocket app = RawSocket.connect(server.port(), "/notifications?user=u1", Map.of("Origin", origin))) {
                assertEquals(101, app.status(), origin);
            }
        }
    }

    @Test
    void everyOtherOriginIsRefusedWith403() {
        for (String origin : new String[] {"http://127.0.0.1:" + server.port(), "https://app.example.com.evil.example",
                "http://app.example.com", "null", "https://app.example.com:8443"}) {
            try (RawSocket other = RawSocket.connect(server.port(), "/notifications?user=u1", Map.of("Origin", origin))) {
                assertEquals(403, other.status(), origin);
            }
        }
        Hostile.normalClientIsServed(server);
    }
}
