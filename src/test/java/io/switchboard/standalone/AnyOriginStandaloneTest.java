package io.switchboard.standalone;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code switchboard.allowedOrigins=*} (section 7): any origin passes. */
class AnyOriginStandaloneTest {

    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("switchboard.allowedOrigins", "*"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStarAllowsAnyOrigin() {
        for (String origin : new String[] {"https://anything.example", "http://localhost:1", "null"}) {
            try (WsRecorder client = WsRecorder.open(server.ws("/chat/any-room?user=bo"), Map.of("Origin", origin))) {
                client.expect(Welcome.class);
            }
        }
    }
}
