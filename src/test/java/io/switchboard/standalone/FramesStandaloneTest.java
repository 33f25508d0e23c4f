package io.switchboard.standalone;

import static io.switchboard.standalone.ChatStandaloneTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Pong;
import io.switchboard.protocol.ServerMessage.Welcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract section 4 and the "Frames" details of section 7, on default settings: every error code
 * a wrong frame gets (the connection lives), and the close codes of frames the server will not take.
 */
class FramesStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    @Test
    void jsonThatIsNotAnObjectIsBadJsonAndTheConnectionLives() {
        try (WsRecorder chat = server.chat("bad-json-room", "amy");
             WsRecorder inbox = server.notifications("amy")) {
            for (WsRecorder client : new WsRecorder[] {chat, inbox}) {
                for (String notAnObject : new String[] {"[1,2]", "\"x\"", "42", "null", "not json", "{\"type\":", ""}) {
                    client.send(notAnObject);
                    assertError("bad_json", null, client.expect(Error.class));
                }
                client.expectNothingPending();
            }
        }
    }

    @Test
    void aTypeTheEndpointDoesNotKnowIsUnknownType() {
        try (WsRecorder chat = server.chat("unknown-room", "ben");
             WsRecorder inbox = server.notifications("ben")) {
            chat.send("{\"type\":\"subscribe\",\"topic\":\"deploys\",\"ref\":\"s\"}");
            assertError("unknown_type", "s", chat.expect(Error.class));
            // Since version 1.1 `read` is a chat frame too (section 11): valid here, so no reply.
            chat.send("{\"type\":\"read\",\"seq\":1,\"ref\":\"r\"}");
            chat.send("{\"type\":\"unsubscribe\",\"topic\":\"deploys\"}");
            assertError("unknown_type", null, chat.expect(Error.class));
            chat.send("{\"type\":\"shout\",\"ref\":\"x\"}");
            assertError("unknown_type", "x", chat.expect(Error.class));
            chat.expectNothingPending();

            inbox.send("{\"type\":\"say\",\"text\":\"hi\",\"ref\":\"s\"}");
            assertError("unknown_type", "s", inbox.expect(Error.class));
            inbox.send("{\"type\":\"typing\"}");
            assertError("unknown_type", null, inbox.expect(Error.class));
            inbox.send("{\"type\":\"history\",\"ref\":\"h\"}");
            assertError("unknown_type", "h", inbox.expect(Error.class));
            inbox.expectNothingPending();
        }
    }

    @Test
    void aMissingOrNonStringTypeIsInvalid() {
        try (WsRecorder chat = server.chat("type-room", "cat")) {
            chat.send("{}");
            assertError("invalid", null, chat.expect(Error.class));
            chat.send("{\"type\":5,\"ref\":\"five\"}");
            assertError("invalid", "five", chat.expect(Error.class));
            chat.send("{\"type\":null}");
            assertError("invalid", null, chat.expect(Error.class));
            chat.send("{\"type\":[\"say\"]}");
            assertError("invalid", null, chat.expect(Error.class));
            chat.expectNothingPending();
        }
    }

    @Test
    void aRefThatIsNotAShortStringIsInvalid() {
        try (WsRecorder chat = server.chat("ref-room", "dot")) {
            chat.send("{\"type\":\"ping\",\"ref\":5}");
            assertError("invalid", null, chat.expect(Error.class));
            chat.send("{\"type\":\"ping\",\"ref\":{\"a\":1}}");
            assertError("invalid", null, chat.expect(Error.class));
            chat.send("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}");
            assertError("invalid", null, chat.expect(Error.class));
            String longest = "r".repeat(64);
            chat.send("{\"type\":\"ping\",\"ref\":\"" + longest + "\"}");
            assertEquals(new Pong(longest), chat.expect(Pong.class));
            // Characters, as everywhere in the contract, are code points: 64 emoji are 128 UTF-16 units.
            String emoji = "\uD83D\uDE00".repeat(64);
            chat.send("{\"type\":\"ping\",\"ref\":\"" + emoji + "\"}");
            assertEquals(new Pong(emoji), chat.expect(Pong.class));
            chat.send("{\"type\":\"ping\",\"ref\":\"" + emoji + "\uD83D\uDE00\"}");
            assertError("invalid", null, chat.expect(Error.class));
        }
    }

    @Test
    void fieldsOfTheWrongKindAreInvalid() {
        try (WsRecorder chat = server.chat("kind-room", "eve");
             WsRecorder inbox = server.notifications("eve")) {
            chat.send("{\"type\":\"say\",\"text\":5,\"ref\":\"a\"}");
            assertError("invalid", "a", chat.expect(Error.class));
            chat.send("{\"type\":\"say\",\"text\":[\"hi\"],\"ref\":\"b\"}");
            assertError("invalid", "b", chat.expect(Error.class));
            chat.send("{\"type\":\"history\",\"limit\":\"10\",\"ref\":\"c\"}");
            assertError("invalid", "c", chat.expect(Error.class));
            chat.send("{\"type\":\"history\",\"before\":1.5,\"ref\":\"d\"}");
            assertError("invalid", "d", chat.expect(Error.class));
            chat.send("{\"type\":\"history\",\"limit\":10000000000,\"ref\":\"e\"}");
            assertError("invalid", "e", chat.expect(Error.class));
            chat.expectNothingPending();

            inbox.send("{\"type\":\"read\",\"ref\":\"f\"}");
            assertError("invalid", "f", inbox.expect(Error.class));
            inbox.send("{\"type\":\"read\",\"seq\":\"1\",\"ref\":\"g\"}");
            assertError("invalid", "g", inbox.expect(Error.class));
            inbox.send("{\"type\":\"subscribe\",\"topic\":7,\"ref\":\"h\"}");
            assertError("invalid", "h", inbox.expect(Error.class));
            inbox.send("{\"type\":\"subscribe\",\"ref\":\"i\"}");
            assertError("invalid", "i", inbox.expect(Error.class));
            inbox.send("{\"type\":\"subscribe\",\"topic\":\"ok\",\"since\":\"3\",\"ref\":\"j\"}");
            assertError("invalid", "j", inbox.expect(Error.class));
            inbox.expectNothingPending();
        }
    }

    @Test
    void aNewConnectionHasAFullBurstThenGetsRateLimited() {
        try (WsRecorder chat = server.chat("rate-room", "fay")) {
            for (int i = 0; i < 25; i++) {
                chat.send("{\"type\":\"ping\",\"ref\":\"" + i + "\"}");
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(new Pong(Integer.toString(i)), chat.expect(Pong.class), "the first 20 frames are a full burst");
            }
            int limited = 0;
            for (int i = 20; i < 25; i++) {
                ServerMessage answer = chat.next();
                if (answer instanceof Error error) {
                    assertError("rate_limited", Integer.toString(i), error);
                    limited++;
                } else {
                    assertEquals(new Pong(Integer.toString(i)), answer);
                }
            }
            assertTrue(limited >= 3, "at 10 a second, at most 2 of the next 5 frames can pass: " + limited + " limited");
        }
    }

    @Test
    void malformedFramesCountAgainstTheRateLimit() {
        try (WsRecorder chat = server.chat("rate-bad-room", "gus")) {
            for (int i = 0; i < 20; i++) {
                chat.send("not json");
            }
            for (int i = 0; i < 20; i++) {
                assertError("bad_json", null, chat.expect(Error.class));
            }
            chat.send("{\"type\":\"ping\",\"ref\":\"after\"}");
            assertError("rate_limited", "after", chat.expect(Error.class));
        }
    }

    @Test
    void aConnectionThatKeepsFloodingIsClosedWith1008AfterMoreThanFiftyRateLimited() {
        try (WsRecorder chat = server.chat("flood-room", "hal")) {
            int rateLimited = 0;
            for (int frames = 0; frames < 500 && chat.trySend("{\"type\":\"ping\"}"); frames++) {
                ServerMessage answer = chat.nextOrNullOnClose();
                if (answer == null) {
                    break;
                }
                if (answer instanceof Error error) {
                    assertEquals("rate_limited", error.code());
                    rateLimited++;
                } else {
                    assertInstanceOf(Pong.class, answer);
                }
            }
            chat.awaitClose(1008);
            assertEquals(51, rateLimited, "open after 50 rate_limited answers, closed after the 51st");
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        try (WsRecorder chat = server.chat("binary-room", "ida");
             WsRecorder inbox = server.notifications("ida")) {
            chat.sendBinary(new byte[] {1, 2, 3});
            chat.awaitClose(1003);
            inbox.sendBinary("{\"type\":\"ping\"}".getBytes());
            inbox.awaitClose(1003);
        }
    }

    @Test
    void anOversizedFrameClosesWith1009() {
        try (WsRecorder chat = server.chat("big-room", "jon")) {
            chat.send("{\"type\":\"say\",\"text\":\"" + "x".repeat(70_000) + "\"}");
            chat.awaitClose(1009);
        }
        try (WsRecorder inbox = server.notifications("jon")) {
            inbox.send("{\"type\":\"ping\",\"ref\":\"" + "x".repeat(65_536) + "\"}");
            inbox.awaitClose(1009);
        }
    }

    @Test
    void aFrameJustUnderTheSizeLimitIsAnsweredNotClosed() {
        try (WsRecorder chat = server.chat("almost-room", "kay")) {
            String frame = "{\"type\":\"say\",\"text\":\"\",\"ref\":\"big\"}";
            chat.send(frame.replace("\"\",", "\"" + "x".repeat(65_536 - frame.length()) + "\","));
            assertError("invalid", "big", chat.expect(Error.class)); // too long a text, but not too big a frame
            chat.expectNothingPending();
        }
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007() {
        // The JDK client cannot send invalid UTF-8 (it encodes a String), so this one is a raw socket.
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/chat/utf8-room?user=lee")) {
            RawWebSocket.Frame welcome = raw.next();
            assertTrue(welcome.text().contains("\"type\":\"welcome\""), welcome.text());
            raw.sendFrame(RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, raw.awaitClose());
        }
    }

    @Test
    void theRawClientSeesAWelcomeOnAValidHandshake() {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/notifications?user=mia")) {
            String welcome = raw.next().text();
            assertInstanceOf(Welcome.class, io.switchboard.protocol.Codec.standard().server().decode(welcome));
        }
    }
}
