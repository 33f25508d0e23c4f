package io.switchboard.standalone;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code switchboard.allowedOrigins=*} (section 7): any origin passes. */
class AnyOriginStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.allowedOrigins", "*"));

    @Test
    void aStarAllowsAnyOrigin() {
        for (String origin : new String[] {"https://anything.example", "http://localhost:1", "null"}) {
            try (WsRecorder client = WsRecorder.open(server.ws("/chat/any-room?user=bo"), Map.of("Origin", origin))) {
                client.expect(Welcome.class);
            }
        }
    }
}
