package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The opening handshake under attack: cross-site WebSocket hijacking (origin), slowloris, half-open
 * connections. A request must complete within {@code switchboard.requestTimeoutMs} (2 s here).
 */
class HandshakeHostileTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.requestTimeoutMs", "2000"));

    int openConnections() {
        return server.switchboard().transport().connections().size();
    }

    @Test
    void handshakeFromAnotherOriginIsRefusedWith403AndNoWebSocket() {
        long heap = Hostile.usedHeapAfterGc();
        int before = openConnections();
        try (RawSocket evil = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=victim",
                Map.of("Origin", "https://evil.example"))) {
            // Tyrus still writes a Sec-WebSocket-Accept header on the 403; without 101 no client opens anything.
            assertEquals(403, evil.status());
            assertEquals(before, openConnections());
        }
        assertEquals(403, WsRecorder.refusedStatus(server.ws("/notifications?user=victim"),
                Map.of("Origin", "http://127.0.0.1:1")));
        Hostile.normalClientIsServed(server);
        Hostile.heapStaysBounded(heap);
    }

    @Test
    void handshakeFromTheSameOriginOrWithoutOneIsAccepted() {
        try (RawSocket same = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=friend",
                Map.of("Origin", "http://127.0.0.1:" + server.port()))) {
            assertEquals(101, same.status());
            assertTrue(same.nextText(Hostile.WAIT).contains("\"welcome\""));
        }
        try (RawSocket none = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=script")) {
            assertEquals(101, none.status());
        }
    }

    /** Slowloris: a header line every 300 ms, never the blank line that ends them. */
    @Test
    void handshakeWhoseHeadersNeverEndIsCutOff() throws IOException {
        long heap = Hostile.usedHeapAfterGc();
        try (Socket socket = RawSocket.tcp(server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat/" + Hostile.room() + "?user=loris HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 60 && !cut; i++) {
                try {
                    out.write(("X-Loris-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(300);
                } catch (IOException e) {
                    cut = true;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                if (!cut) {
                    socket.setSoTimeout(1);
                    try {
                        cut = socket.getInputStream().read() < 0;
                    } catch (java.net.SocketTimeoutException e) {
                        // still open
                    } catch (IOException e) {
                        cut = true;
                    }
                }
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(cut, "the server kept a never-ending handshake open");
            assertTrue(seconds <= 6, "cut only after " + seconds + " s");
        }
        Hostile.normalClientIsServed(server);
        Hostile.heapStaysBounded(heap);
    }

    @Test
    void headersOverGrizzlysLimitAreRefused() throws IOException {
        try (Socket socket = RawSocket.tcp(server.port())) {
            String big = "GET /chat/x?user=big HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n";
            try {
                socket.getOutputStream().write(big.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the server may close while we write: that is a refusal too
            }
            byte[] answer = socket.getInputStream().readNBytes(12);
            String status = new String(answer, StandardCharsets.US_ASCII);
            assertTrue(answer.length == 0 || status.startsWith("HTTP/1.1 4"), "answer: " + status);
        } catch (java.net.SocketException reset) {
            // reset: refused
        }
        Hostile.normalClientIsServed(server);
    }

    /** Many connections that never send a byte: a normal client is served meanwhile, and they are cut at the deadline. */
    @Test
    void manyHalfOpenConnectionsAreCutAndDoNotStarveOthers() throws IOException {
        long heap = Hostile.usedHeapAfterGc();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                idle.add(RawSocket.tcp(server.port()));
            }
            try (WsRecorder normal = WsRecorder.open(server.ws("/chat/" + Hostile.room() + "?user=normal"))) {
                normal.expect(Welcome.class);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int cut = 0;
            for (Socket socket : idle) {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                try {
                    if (socket.getInputStream().read() < 0) {
                        cut++;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    break;
                } catch (IOException e) {
                    cut++;
                }
            }
            assertEquals(idle.size(), cut, "half-open connections cut by the deadline");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        Hostile.normalClientIsServed(server);
        Hostile.heapStaysBounded(heap);
    }

    /** A connection that completed its handshake is a WebSocket: the request deadline no longer applies. */
    @Test
    void openWebSocketOutlivesTheRequestDeadline() throws InterruptedException {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=patient")) {
            socket.nextText(Hostile.WAIT);
            Thread.sleep(3000);
            socket.text("{\"type\":\"ping\",\"ref\":\"later\"}");
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"later\""));
        }
    }
}
