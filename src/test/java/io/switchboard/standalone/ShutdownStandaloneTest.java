package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Close 1001 (section 4): stopping the server closes every connection, chat and notifications alike;
 * and a restart without durable storage starts new logs, with new epochs (section 3.1). Each test
 * starts and stops its own server: one at a time, as the composition root is one per JVM.
 */
class ShutdownStandaloneTest {

    @Test
    void stoppingTheServerClosesEveryConnectionWith1001() {
        RunningServer server = RunningServer.start();
        WsRecorder chat = server.chat("closing-room", "ann");
        WsRecorder otherTab = server.chat("closing-room", "ann");
        WsRecorder inbox = server.notifications("bob");
        server.close();
        chat.awaitClose(1001);
        otherTab.awaitClose(1001);
        inbox.awaitClose(1001);
        assertThrows(UncheckedIOException.class, () -> server.get("/health", Map.of()), "the port is closed");
    }

    @Test
    void aRestartStartsANewEpochSoSinceRecoversNothing() {
        String oldEpoch;
        try (RunningServer before = RunningServer.start();
             WsRecorder writer = WsRecorder.open(before.ws("/chat/restart-room?user=ann"))) {
            oldEpoch = writer.expect(Welcome.class).epoch();
            writer.send("{\"type\":\"say\",\"text\":\"before the restart\"}");
            writer.await(Ack.class);
        }
        try (RunningServer after = RunningServer.start()) {
            try (WsRecorder writer = after.chat("restart-room", "ann")) {
                writer.send("{\"type\":\"say\",\"text\":\"one\"}");
                writer.send("{\"type\":\"say\",\"text\":\"two\"}");
                writer.await(Ack.class, ack -> ack.seq() == 2);
            }
            try (WsRecorder back = WsRecorder.open(after.ws("/chat/restart-room?user=ann&since=1&epoch=" + oldEpoch))) {
                Welcome welcome = back.expect(Welcome.class);
                assertNotEquals(oldEpoch, welcome.epoch());
                assertEquals(Boolean.FALSE, welcome.recovered(), "seq 1 of the old epoch is not seq 1 of the new one");
                assertEquals(2, welcome.messages().size(), "the latest");
            }
        }
    }
}
