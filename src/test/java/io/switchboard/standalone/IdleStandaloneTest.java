package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Pong;
import io.switchboard.protocol.ServerMessage.Presence;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Liveness (section 5, close 4000): the server pings, and closes a connection that has sent nothing,
 * not even a pong, for the idle limit; a dead peer's presence is released within it. The silent
 * peer is a raw socket that completed the handshake and never answers a ping.
 */
class IdleStandaloneTest {

    static final long PING_MS = 200;
    static final long IDLE_MS = 1500;

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.pingIntervalMs", Long.toString(PING_MS),
                "switchboard.idleTimeoutMs", Long.toString(IDLE_MS)));

    @Test
    void aSilentPeerIsClosedWith4000AndItsLeaveReachesTheOthersWithinTheIdleLimit() {
        try (WsRecorder watcher = server.chat("idle-room", "watcher");
             RawWebSocket silent = RawWebSocket.open(server.port(), "/chat/idle-room?user=silent")) {
            long joined = System.nanoTime();
            assertEquals(Presence.join("silent", 2), watcher.expect(Presence.class));
            assertEquals(Presence.leave("silent", 1), watcher.expect(Presence.class));
            long elapsedMs = (System.nanoTime() - joined) / 1_000_000;
            assertTrue(elapsedMs >= IDLE_MS - 100, "not before the idle limit: " + elapsedMs + " ms");
            assertTrue(elapsedMs <= IDLE_MS + 1000, "within the idle limit and a heartbeat tick: " + elapsedMs + " ms");
            assertEquals(4000, silent.awaitClose());
        }
    }

    @Test
    void theServerPingsAndAPongKeepsAQuietClientAlive() {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/notifications?user=raw")) {
            assertTrue(raw.next().text().contains("\"welcome\""));
            assertEquals(RawWebSocket.PING, raw.next().opcode(), "the server pings");
        }
        try (WsRecorder quiet = server.chat("quiet-room", "quiet")) {
            // The JDK client answers pings by itself and sends nothing else: only its pongs are heard.
            quiet.expectSilence(Duration.ofMillis(IDLE_MS * 2));
            assertFalse(quiet.isClosed());
            quiet.send("{\"type\":\"ping\",\"ref\":\"still here\"}");
            assertEquals(new Pong("still here"), quiet.expect(Pong.class));
        }
    }

    @Test
    void aSilentNotificationStreamIsClosedWith4000Too() {
        try (RawWebSocket silent = RawWebSocket.open(server.port(), "/notifications?user=silent2")) {
            long opened = System.nanoTime();
            assertEquals(4000, silent.awaitClose());
            long elapsedMs = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(elapsedMs >= IDLE_MS - 100 && elapsedMs <= IDLE_MS + 1000, elapsedMs + " ms");
        }
    }
}
