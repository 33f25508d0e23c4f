package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code switchboard.allowedOrigins} (sections 2 and 7): only listed origins, or any with {@code *}. */
class AllowedOriginsStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.allowedOrigins", "https://app.example.com, http://localhost:3000"));

    @Test
    void aListedOriginPassesWithItsDefaultPortNormalised() {
        for (String origin : new String[] {"https://app.example.com", "https://APP.example.com:443", "http://localhost:3000"}) {
            try (WsRecorder client = WsRecorder.open(server.ws("/chat/listed-room?user=ann"), Map.of("Origin", origin))) {
                client.expect(Welcome.class);
            }
        }
    }

    @Test
    void anOriginOffTheListIsRefusedWith403EvenTheServersOwn() {
        for (String origin : new String[] {"http://app.example.com", "https://app.example.com:8443", "http://localhost:3001",
                "http://127.0.0.1:" + server.port(), "https://app.example.com.evil.example", "null"}) {
            assertEquals(403, WsRecorder.refusedStatus(server.ws("/chat/listed-room?user=ann"), Map.of("Origin", origin)),
                    origin);
            assertEquals(403, WsRecorder.refusedStatus(server.ws("/notifications?user=ann"), Map.of("Origin", origin)),
                    origin);
        }
    }

    @Test
    void aHandshakeWithoutOriginStillPasses() {
        try (WsRecorder client = WsRecorder.open(server.ws("/notifications?user=ann"))) {
            client.expect(Welcome.class);
        }
    }
}
