package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.standalone.RunningServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 6455 7.1.1: after sending its close frame the server keeps reading (and discarding) until the
 * client closes, so a client whose frames still sit unread in the server's receive buffer is not
 * reset by the kernel and loses no close frame. Each case makes the server close while the client
 * is still writing and has not read what the server sent (its receive buffer is small), then reads
 * slowly: it must find the contract's close code, never a reset (1006).
 */
class CloseHandshakeHostileTest {

    /** Small enough that the server's replies fill the client's window before it reads. */
    private static final int RECEIVE_BUFFER = 4096;

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    @AfterEach
    void stillServing() {
        Hostile.normalClientIsServed(server);
    }

    private static byte[] text(String json) {
        return RawSocket.encode(true, 0, RawSocket.TEXT, json.getBytes(StandardCharsets.UTF_8), true, RawSocket.Length.MINIMAL);
    }

    private static final String LONG_SAY = "{\"type\":\"say\",\"text\":\"" + "x".repeat(500) + "\"}";

    /**
     * Connects with a small receive buffer, writes {@code before} and then {@code attack} and {@code
     * frames} of junk from a second thread (the server may stop reading, so the writes may block),
     * waits without reading, then reads a frame every millisecond up to the close; returns its code.
     */
    private static int closeWhileWriting(byte[] before, byte[] attack, Supplier<byte[]> junk) throws Exception {
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=mallory", Map.of(),
                RECEIVE_BUFFER)) {
            assertEquals(101, socket.status());
            assertTrue(socket.nextText(Hostile.WAIT).contains("\"welcome\""));
            Thread writer = new Thread(() -> {
                if (socket.write(before) && socket.write(attack)) {
                    byte[] more = junk.get();
                    for (int i = 0; i < 50 && socket.write(more); i++) {
                        // until the server stops taking them or 50 rounds went
                    }
                }
            }, "flooder");
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(300);
            long deadline = System.nanoTime() + Hostile.WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                RawSocket.Frame frame = socket.read(Hostile.WAIT);
                if (frame == null) {
                    return RawSocket.ABNORMAL;
                }
                if (frame.opcode() == RawSocket.CLOSE) {
                    writer.join(TimeUnit.SECONDS.toMillis(10));
                    return frame.closeCode();
                }
                Thread.sleep(1);
            }
            throw new AssertionError("no close within " + Hostile.WAIT);
        }
    }

    private static byte[] repeat(byte[] frame, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length * times);
        for (int i = 0; i < times; i++) {
            out.write(frame, 0, frame.length);
        }
        return out.toByteArray();
    }

    private static final Supplier<byte[]> PINGS = () -> repeat(text("{\"type\":\"ping\"}"), 200);

    @RepeatedTest(5)
    void aFlooderThatReadsSlowlyGetsItsCloseFrame1008() throws Exception {
        byte[] flood = repeat(text(LONG_SAY), 300);
        assertEquals(1008, closeWhileWriting(new byte[0], flood, PINGS));
    }

    @RepeatedTest(3)
    void aFrameOverTheLimitBehindUnreadRepliesGets1009() throws Exception {
        byte[] terabyte = {(byte) 0x81, (byte) 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        assertEquals(1009, closeWhileWriting(repeat(text(LONG_SAY), 20), terabyte, () -> new byte[64 * 1024]));
    }

    @RepeatedTest(3)
    void anUnmaskedFrameBehindUnreadRepliesGets1002() throws Exception {
        byte[] unmasked = RawSocket.encode(true, 0, RawSocket.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8),
                false, RawSocket.Length.MINIMAL);
        assertEquals(1002, closeWhileWriting(repeat(text(LONG_SAY), 20), unmasked, () -> new byte[64 * 1024]));
    }

    @RepeatedTest(3)
    void invalidUtf8BehindUnreadRepliesGets1007() throws Exception {
        byte[] invalid = RawSocket.encode(true, 0, RawSocket.TEXT, new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}, true,
                RawSocket.Length.MINIMAL);
        assertEquals(1007, closeWhileWriting(repeat(text(LONG_SAY), 20), invalid, PINGS));
    }
}
