package io.switchboard.hostile;

import static io.switchboard.hostile.RawSocket.BINARY;
import static io.switchboard.hostile.RawSocket.CLOSE;
import static io.switchboard.hostile.RawSocket.CONTINUATION;
import static io.switchboard.hostile.RawSocket.PING;
import static io.switchboard.hostile.RawSocket.PONG;
import static io.switchboard.hostile.RawSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.hostile.RawSocket.Frame;
import io.switchboard.hostile.RawSocket.Length;
import io.switchboard.standalone.RunningServer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 framing under hostile input, in the spirit of the Autobahn test suite (sections 1 to 7,
 * 9 and 10), sent by our own {@link RawSocket}. Each case names the close code the RFC asks for
 * (1002 protocol error, 1007 invalid UTF-8, 1009 too big) or, where Tyrus answers otherwise and our
 * code cannot change it, what Tyrus does (see docs/security.md). After each, a normal client is
 * still served and the heap is bounded.
 */
class FramingHostileTest {

    static RunningServer server;
    long heapBefore;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void measure() {
        heapBefore = Hostile.usedHeapAfterGc();
    }

    @AfterEach
    void stillServing() {
        Hostile.normalClientIsServed(server);
        Hostile.heapStaysBounded(heapBefore);
    }

    /** Opens a chat connection, reads the welcome, lets {@code attack} write, and returns the close code. */
    static int closeAfter(Consumer<RawSocket> attack) {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=mallory")) {
            assertEquals(101, socket.status());
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"welcome\""));
            attack.accept(socket);
            return socket.awaitClose(Hostile.WAIT);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final byte[] SAY = utf8("{\"type\":\"say\",\"text\":\"hi\"}");

    // ---- Autobahn 1, 2, 5: what must work ----

    @Test
    void fragmentedTextWithAPingInBetweenIsReassembled() {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=mallory")) {
            socket.nextText(Hostile.WAIT);
            socket.frame(false, 0, TEXT, utf8("{\"type\":\"say\","));
            socket.frame(true, 0, PING, utf8("in-between"));
            socket.frame(false, 0, CONTINUATION, utf8("\"text\":\"h\u00e9llo\","));
            socket.frame(true, 0, CONTINUATION, utf8("\"ref\":\"frag\"}"));
            Frame pong = socket.read(Hostile.WAIT);
            assertEquals(PONG, pong.opcode());
            assertArrayEquals(utf8("in-between"), pong.payload());
            assertTrue(socket.nextText(Hostile.WAIT).contains("h\u00e9llo"));
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"ref\":\"frag\""));
        }
    }

    @Test
    void closeWithACodeIsEchoed() {
        assertEquals(1000, closeAfter(s -> s.close(1000, "bye")));
    }

    @Test
    void emptyCloseIsAnsweredWithAClose() {
        int code = closeAfter(s -> s.frame(true, 0, CLOSE, new byte[0]));
        assertTrue(code == 1000 || code == RawSocket.NO_CODE, "close code " + code);
    }

    // ---- Autobahn 3: reserved bits ----

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 7})
    void reservedBitsWithoutAnExtensionAreAProtocolError(int rsv) {
        assertEquals(1002, closeAfter(s -> s.frame(true, rsv, TEXT, SAY)));
    }

    // ---- Autobahn 4: opcodes ----

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void unknownOpcodesAreAProtocolError(int opcode) {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, opcode, SAY)));
    }

    // ---- RFC 6455 5.1: a client must mask ----

    @Test
    void unmaskedClientFrameIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, TEXT, SAY, false, Length.MINIMAL)));
    }

    // ---- Autobahn 2, 5: control frames ----

    @Test
    void pingWithMoreThan125BytesIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, PING, new byte[126])));
    }

    @Test
    void fragmentedPingIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> {
            s.frame(false, 0, PING, utf8("part"));
            s.frame(true, 0, CONTINUATION, utf8("rest"));
        }));
    }

    @Test
    void continuationWithoutAStartIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, CONTINUATION, SAY)));
    }

    @Test
    void newMessageInsideAFragmentedOneIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> {
            s.frame(false, 0, TEXT, utf8("{\"type\":"));
            s.frame(true, 0, TEXT, SAY);
        }));
    }

    // ---- Autobahn 6: UTF-8 ----

    @Test
    void invalidUtf8IsClosedWith1007() {
        byte[] invalid = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertEquals(1007, closeAfter(s -> s.frame(true, 0, TEXT, invalid)));
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsIsClosedWith1007() {
        // U+20AC is E2 82 AC; the second fragment breaks the sequence.
        assertEquals(1007, closeAfter(s -> {
            s.frame(false, 0, TEXT, new byte[] {'"', (byte) 0xE2});
            s.frame(true, 0, CONTINUATION, new byte[] {(byte) 0x28, '"'});
        }));
    }

    @Test
    void surrogateEncodedInUtf8IsClosedWith1007() {
        assertEquals(1007, closeAfter(s -> s.frame(true, 0, TEXT, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})));
    }

    @Test
    void invalidUtf8InACloseReasonIsClosedWith1007() {
        assertEquals(1007, closeAfter(s -> s.frame(true, 0, CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF, (byte) 0xFE})));
    }

    // ---- Autobahn 7: closing ----

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCloseCodesAreAProtocolError(int code) {
        assertEquals(1002, closeAfter(s -> s.close(code, "")));
    }

    @Test
    void closeWithAOneBytePayloadIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, CLOSE, new byte[] {0x03})));
    }

    @Test
    void framesAfterACloseAreIgnored() {
        int code = closeAfter(s -> {
            s.close(1000, "");
            s.frame(true, 0, TEXT, SAY);
        });
        assertEquals(1000, code);
    }

    // ---- frames in the same write as the handshake ----

    @Test
    void framesSentWithTheHandshakeAreAnswered() {
        byte[] pings = concat(RawSocket.encode(true, 0, TEXT, utf8("{\"type\":\"ping\",\"ref\":\"p1\"}"), true, Length.MINIMAL),
                RawSocket.encode(true, 0, TEXT, utf8("{\"type\":\"ping\",\"ref\":\"p2\"}"), true, Length.MINIMAL));
        try (RawSocket socket = RawSocket.connectPipelined(server.port(), "/chat/" + Hostile.room() + "?user=eager", pings)) {
            assertEquals(101, socket.status());
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"welcome\""));
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"p1\""));
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"p2\""));
        }
    }

    @Test
    void anUnmaskedFrameSentWithTheHandshakeIsStillAProtocolError() {
        byte[] frames = concat(RawSocket.encode(true, 0, TEXT, utf8("{\"type\":\"ping\",\"ref\":\"p1\"}"), true, Length.MINIMAL),
                RawSocket.encode(true, 0, TEXT, SAY, false, Length.MINIMAL));
        try (RawSocket socket = RawSocket.connectPipelined(server.port(), "/chat/" + Hostile.room() + "?user=eager", frames)) {
            assertEquals(101, socket.status());
            assertEquals(1002, socket.awaitClose(Hostile.WAIT));
        }
    }

    @Test
    void aFrameOverTheLimitSentWithTheHandshakeIsTooBigAtOnce() {
        byte[] terabyte = {(byte) 0x81, (byte) 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        try (RawSocket socket = RawSocket.connectPipelined(server.port(), "/chat/" + Hostile.room() + "?user=eager", terabyte)) {
            assertEquals(101, socket.status());
            assertEquals(1009, socket.awaitClose(Hostile.WAIT));
        }
    }

    @Test
    void framesBehindARefusedHandshakeGoNowhere() {
        byte[] ping = RawSocket.encode(true, 0, TEXT, utf8("{\"type\":\"ping\",\"ref\":\"p1\"}"), true, Length.MINIMAL);
        try (RawSocket socket = RawSocket.connectPipelined(server.port(), "/nowhere", ping)) {
            assertEquals(404, socket.status());
        }
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---- Autobahn 9, 10: sizes and lengths ----

    // Tyrus accepts these, or answers 1011; the standalone server's FrameGuard gives the RFC's answer.

    @Test
    void nonMinimalSixteenBitLengthIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, TEXT, SAY, true, Length.SIXTEEN)));
    }

    @Test
    void nonMinimalSixtyFourBitLengthIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.frame(true, 0, TEXT, utf8("x".repeat(200)), true, Length.SIXTY_FOUR)));
    }

    @Test
    void lengthWithTheMostSignificantBitSetIsAProtocolError() {
        assertEquals(1002, closeAfter(s -> s.write(new byte[] {(byte) 0x81, (byte) 0xFF,
                (byte) 0x80, 0, 0, 0, 0, 0, 0, 0x10, 1, 2, 3, 4})));
    }

    /** Closed on the header alone: nothing of the declared terabyte is buffered. */
    @Test
    void declaredLengthOfATerabyteIsTooBigAtOnce() {
        assertEquals(1009, closeAfter(s -> s.write(new byte[] {(byte) 0x81, (byte) 0xFF,
                0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4})));
    }

    @Test
    void connectionIsGoneAfterAProtocolErrorClose() {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=mallory")) {
            socket.nextText(Hostile.WAIT);
            socket.frame(true, 0, TEXT, SAY, false, Length.MINIMAL);
            assertEquals(1002, socket.awaitClose(Hostile.WAIT));
            assertTrue(socket.awaitEnd(Hostile.WAIT), "the server kept the TCP connection");
        }
        long deadline = System.nanoTime() + Hostile.WAIT.toNanos();
        while (server.switchboard().transport().connections().size() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, server.switchboard().transport().connections().size(), "the endpoint saw the close");
    }

    @Test
    void messageOverTheLimitIsTooBig() {
        assertEquals(1009, closeAfter(s -> s.text("\"" + "x".repeat(70_000) + "\"")));
    }

    @Test
    void fragmentedMessageOverTheLimitIsTooBig() {
        assertEquals(1009, closeAfter(s -> {
            byte[] chunk = utf8("x".repeat(16_000));
            s.frame(false, 0, TEXT, chunk);
            for (int i = 0; i < 10; i++) {
                s.frame(false, 0, CONTINUATION, chunk);
            }
            s.frame(true, 0, CONTINUATION, chunk);
        }));
    }

    @Test
    void binaryFrameOnATextEndpointIs1003() {
        assertEquals(1003, closeAfter(s -> s.frame(true, 0, BINARY, new byte[] {1, 2, 3})));
    }
}
