package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.RawWebSocket;
import io.switchboard.RawWebSocket.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The standalone server answers all the frames of one read together, in one write per connection
 * (SelectorFirstStrategy's scope): the replies keep the order of the requests, and none of them
 * follows a frame Tyrus writes itself for a later frame of the same read (a pong to a ping, a close
 * echo, a protocol error's close), which FlushingWriter guarantees. Each case puts its frames in one
 * TCP write so that they arrive in one read.
 */
class OneWritePerReadStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    private static RawWebSocket open(String room, String user) {
        RawWebSocket raw = RawWebSocket.open(server.port(), "/chat/" + room + "?user=" + user);
        assertTrue(raw.next().text().contains("\"type\":\"welcome\""), "a welcome first");
        return raw;
    }

    /** Every frame up to and including the first of {@code opcode}. */
    private static List<Frame> upTo(RawWebSocket raw, int opcode) {
        List<Frame> seen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Frame frame = raw.next();
            seen.add(frame);
            if (frame.opcode() == opcode) {
                return seen;
            }
        }
        throw new AssertionError("no frame with opcode " + opcode + " in " + seen.size() + " frames");
    }

    private static int indexOf(List<Frame> frames, String fragment) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).opcode() == RawWebSocket.TEXT && frames.get(i).text().contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no frame with " + fragment + " among " + frames.stream().map(f -> f.opcode() == 1 ? f.text() : "opcode " + f.opcode()).toList());
    }

    @Test
    void sixteenPingsInOneReadGetSixteenPongsInOrder() {
        try (RawWebSocket raw = open("batch-room", "ann")) {
            Frame[] pings = new Frame[16];
            for (int i = 0; i < pings.length; i++) {
                pings[i] = RawWebSocket.text("{\"type\":\"ping\",\"ref\":\"p" + i + "\"}");
            }
            raw.sendInOneWrite(pings);
            for (int i = 0; i < pings.length; i++) {
                String pong = raw.next().text();
                assertTrue(pong.contains("\"type\":\"pong\"") && pong.contains("\"ref\":\"p" + i + "\""), pong);
            }
        }
    }

    @Test
    void theAckOfASayLeavesBeforeTheCloseEchoOfACloseInTheSameRead() {
        try (RawWebSocket raw = open("close-room", "bob")) {
            raw.sendInOneWrite(RawWebSocket.text("{\"type\":\"say\",\"text\":\"bye\",\"ref\":\"last\"}"),
                    new Frame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8})); // 1000
            List<Frame> frames = upTo(raw, RawWebSocket.CLOSE);
            indexOf(frames, "\"ref\":\"last\"");
            assertEquals(1000, frames.get(frames.size() - 1).closeCode());
        }
    }

    @Test
    void thePongToAnAppPingLeavesBeforeTheProtocolPongToAPingBehindIt() {
        try (RawWebSocket raw = open("ping-room", "cat")) {
            raw.sendInOneWrite(RawWebSocket.text("{\"type\":\"ping\",\"ref\":\"app\"}"),
                    new Frame(RawWebSocket.PING, "wire".getBytes(StandardCharsets.US_ASCII)));
            List<Frame> frames = upTo(raw, RawWebSocket.PONG);
            assertTrue(indexOf(frames, "\"ref\":\"app\"") < frames.size() - 1, "the app pong first");
            assertEquals("wire", new String(frames.get(frames.size() - 1).payload(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theAckOfASayLeavesBeforeTheCloseForBadUtf8BehindIt() {
        try (RawWebSocket raw = open("utf8-batch-room", "dan")) {
            raw.sendInOneWrite(RawWebSocket.text("{\"type\":\"say\",\"text\":\"fine\",\"ref\":\"ok\"}"),
                    new Frame(RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
            List<Frame> frames = upTo(raw, RawWebSocket.CLOSE);
            indexOf(frames, "\"ref\":\"ok\"");
            assertEquals(1007, frames.get(frames.size() - 1).closeCode());
        }
    }
}
