package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.WsRecorder;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Close 1001 (section 4): stopping the server closes every connection, chat and notifications alike. */
class ShutdownStandaloneTest {

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
    void stoppingTheServerClosesEveryConnectionWith1001() {
        WsRecorder chat = server.chat("closing-room", "ann");
        WsRecorder otherTab = server.chat("closing-room", "ann");
        WsRecorder inbox = server.notifications("bob");
        server.close();
        chat.awaitClose(1001);
        otherTab.awaitClose(1001);
        inbox.awaitClose(1001);
        assertThrows(UncheckedIOException.class, () -> server.get("/health", Map.of()), "the port is closed");
    }
}
