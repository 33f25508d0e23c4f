package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.standalone.RunningServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile JSON and hostile volumes: each gets an {@code error} frame (the connection lives) or the
 * contract's close, and afterwards a normal client is served and the heap is bounded. The rate limit
 * is raised here so that the payloads reach the decoder; {@link #thousandsOfFramesAtTheDefaultRateCloseWith1008}
 * uses the defaults.
 */
class ApplicationHostileTest {

    static RunningServer server;
    long heapBefore;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("switchboard.framesPerSecond", "100000", "switchboard.frameBurst", "100000"));
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

    static RawSocket notifications(RunningServer on, String user) {
        RawSocket socket = RawSocket.connect(on.port(), "/notifications?user=" + user);
        assertEquals(101, socket.status());
        assertTrue(socket.nextText(Hostile.WAIT).contains("\"welcome\""));
        return socket;
    }

    static ServerMessage answer(RawSocket socket, String frame) {
        socket.text(frame);
        return Codec.standard().server().decode(socket.nextText(Hostile.WAIT));
    }

    static void assertError(String code, ServerMessage message) {
        assertTrue(message instanceof ServerMessage.Error, () -> "expected error " + code + ", got " + message);
        assertEquals(code, ((ServerMessage.Error) message).code());
    }

    static void stillAnswers(RawSocket socket) {
        assertTrue(answer(socket, "{\"type\":\"ping\",\"ref\":\"alive\"}") instanceof ServerMessage.Pong);
    }

    @Test
    void deeplyNestedJsonIsBadJsonAndAHundredThousandBracketsAreTooBig() {
        try (RawSocket socket = notifications(server, "nester")) {
            assertError("bad_json", answer(socket, "[".repeat(60_000)));
            assertError("bad_json", answer(socket, "{\"type\":\"ping\",\"x\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}"));
            assertError("bad_json", answer(socket, "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
            stillAnswers(socket);
            // 100,000 bytes is over the 64 KiB message limit, which comes first: the contract's 1009.
            socket.text("[".repeat(100_000));
            assertEquals(1009, socket.awaitClose(Hostile.WAIT));
        }
    }

    @Test
    void hundredThousandBracketsAreBadJsonWhenTheSizeLimitAllowsThem() {
        server.close();
        try (RunningServer roomy = RunningServer.start(Map.of("switchboard.maxMessageBytes", "262144"));
             RawSocket socket = notifications(roomy, "nester")) {
            assertError("bad_json", answer(socket, "[".repeat(100_000)));
            assertError("bad_json", answer(socket, "{\"type\":\"ping\",\"ref\":" + "[".repeat(100_000) + "}"));
            stillAnswers(socket);
            Hostile.normalClientIsServed(roomy);
        } finally {
            server = RunningServer.start(Map.of("switchboard.framesPerSecond", "100000", "switchboard.frameBurst", "100000"));
        }
    }

    @Test
    void hugeNumbersAreInvalid() {
        try (RawSocket socket = notifications(server, "counter")) {
            assertError("invalid", answer(socket, "{\"type\":\"read\",\"seq\":1e1000000000}"));
            assertError("invalid", answer(socket, "{\"type\":\"read\",\"seq\":-1e-1000000000}"));
            // Parsson refuses numbers over 1100 characters outright.
            assertError("bad_json", answer(socket, "{\"type\":\"read\",\"seq\":" + "9".repeat(20_000) + "}"));
            assertError("bad_json", answer(socket, "{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1" + "0".repeat(5_000) + "}"));
            assertError("invalid", answer(socket, "{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1" + "0".repeat(1_000) + "}"));
            stillAnswers(socket);
        }
    }

    @Test
    void veryLongStringsAreRefusedOrClipped() {
        try (RawSocket chat = RawSocket.connect(server.port(), "/chat/" + Hostile.room() + "?user=talker")) {
            chat.nextText(Hostile.WAIT);
            assertError("invalid", answer(chat, "{\"type\":\"say\",\"text\":\"" + "x".repeat(4001) + "\"}"));
            ServerMessage unknown = answer(chat, "{\"type\":\"" + "t".repeat(60_000) + "\"}");
            assertError("unknown_type", unknown);
            assertTrue(((ServerMessage.Error) unknown).message().length() < 200, "the error does not echo the whole type");
            assertError("invalid", answer(chat, "{\"type\":\"ping\",\"ref\":\"" + "r".repeat(10_000) + "\"}"));
            // A lone surrogate has no UTF-8 form: echoed, it would break the sender's connection.
            assertError("invalid", answer(chat, "{\"type\":\"ping\",\"ref\":\"\\u0000\\ud800\"}"));
            stillAnswers(chat);
            // Over the 64 KiB message limit: the contract's 1009.
            chat.text("{\"type\":\"say\",\"text\":\"" + "\u00e9".repeat(40_000) + "\"}");
            assertEquals(1009, chat.awaitClose(Hostile.WAIT));
        }
    }

    /** Broadcast and stored, a lone surrogate would fail every member's send and every later welcome. */
    @Test
    void loneSurrogatesNeverReachARoomOrAnInbox() {
        String room = Hostile.room();
        try (RawSocket mallory = RawSocket.connect(server.port(), "/chat/" + room + "?user=mallory")) {
            // Mallory's welcome before alice connects: the 101 comes before the join runs, so with both
            // sockets opened at once alice may join first, and then she is in mallory's welcome
            // (count 2) and no presence event follows for her.
            assertTrue(mallory.nextText(Hostile.WAIT).contains("\"welcome\""));
            try (RawSocket alice = RawSocket.connect(server.port(), "/chat/" + room + "?user=alice")) {
                alice.nextText(Hostile.WAIT);
                assertTrue(mallory.nextText(Hostile.WAIT).contains("\"presence\""));
                assertError("invalid", answer(mallory, "{\"type\":\"say\",\"text\":\"a\\udc00b\"}"));
                alice.text("{\"type\":\"say\",\"text\":\"fine \\ud83d\\ude00\",\"ref\":\"a1\"}");
                String seen;
                do {
                    seen = alice.nextText(Hostile.WAIT);
                } while (!seen.contains("\"message\""));
                assertTrue(seen.contains("fine \ud83d\ude00"), seen);
            }
        }
        var response = server.publish("{\"user\":\"alice\",\"title\":\"x\\ud800\"}");
        assertEquals(400, response.statusCode(), response.body());
        response = server.publish("{\"user\":\"alice\",\"title\":\"t\",\"data\":{\"\\udfff\":1}}");
        assertEquals(400, response.statusCode(), response.body());
        response = server.publish("{\"user\":\"alice\",\"title\":\"t\",\"data\":{\"n\":" + "9".repeat(5000) + "}}");
        assertEquals(400, response.statusCode(), response.body());
        response = server.publish("{\"user\":\"alice\",\"title\":\"t\",\"data\":" + "[".repeat(50_000) + "}");
        assertEquals(400, response.statusCode(), response.body());
    }

    @Test
    void thousandsOfSubscribeAndUnsubscribeFramesStayWithinTheTopicBound() {
        try (RawSocket socket = notifications(server, "hoarder")) {
            int subscribed = 0;
            int forbidden = 0;
            for (int i = 0; i < 2000; i++) {
                socket.text("{\"type\":\"subscribe\",\"topic\":\"flood-" + i + "\"}");
            }
            for (int i = 0; i < 2000; i++) {
                String text = socket.nextText(Hostile.WAIT);
                if (text.contains("\"subscribed\"")) {
                    subscribed++;
                } else if (text.contains("\"forbidden\"")) {
                    forbidden++;
                }
            }
            assertEquals(100, subscribed, "switchboard.maxTopicsPerConnection");
            assertEquals(1900, forbidden);
            for (int i = 0; i < 2000; i++) {
                socket.text("{\"type\":\"unsubscribe\",\"topic\":\"flood-" + i + "\"}");
            }
            for (int i = 0; i < 2000; i++) {
                assertTrue(socket.nextText(Hostile.WAIT).contains("\"unsubscribed\""));
            }
            stillAnswers(socket);
        }
    }

    @Test
    void thousandsOfFramesAtTheDefaultRateCloseWith1008() {
        server.close();
        try (RunningServer defaults = RunningServer.start();
             RawSocket socket = notifications(defaults, "flooder")) {
            for (int i = 0; i < 3000 && socket.write(RawSocket.encode(true, 0, RawSocket.TEXT,
                    ("{\"type\":\"subscribe\",\"topic\":\"f-" + (i % 50) + "\"}").getBytes(), true, RawSocket.Length.MINIMAL)); i++) {
                // as fast as the socket takes them
            }
            assertEquals(1008, socket.awaitClose(Hostile.WAIT));
            assertTrue(socket.texts().stream().anyMatch(t -> t.contains("\"rate_limited\"")));
            Hostile.normalClientIsServed(defaults);
        } finally {
            server = RunningServer.start(Map.of("switchboard.framesPerSecond", "100000", "switchboard.frameBurst", "100000"));
        }
    }
}
