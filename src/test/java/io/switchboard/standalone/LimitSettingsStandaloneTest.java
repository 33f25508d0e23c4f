package io.switchboard.standalone;

import static io.switchboard.standalone.ChatStandaloneTest.assertError;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Pong;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every limit is a setting (section 5): message bytes, text length, rate, burst, flood strikes and window. */
class LimitSettingsStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of(
                "switchboard.maxMessageBytes", "4096",
                "switchboard.maxTextLength", "10",
                "switchboard.frameBurst", "5",
                "switchboard.framesPerSecond", "0.01",
                "switchboard.floodStrikes", "3",
                "switchboard.floodWindowMs", "1000"));

    @Test
    void theSizeLimitIsCountedInUtf8Bytes() {
        try (WsRecorder fits = server.chat("bytes-room", "kim")) {
            fits.send("{\"type\":\"ping\",\"ref\":\"" + "\u00e9".repeat(64) + "\",\"pad\":\"" + "\u00e9".repeat(1900) + "\"}");
            assertInstanceOf(Pong.class, fits.next(), "about 3.9 KB of UTF-8");
        }
        try (WsRecorder over = server.chat("bytes-room", "kim")) {
            over.send("{\"type\":\"ping\",\"pad\":\"" + "\u00e9".repeat(2100) + "\"}"); // 2100 chars, over 4200 bytes
            over.awaitClose(1009);
        }
    }

    @Test
    void theTextLengthIsASetting() {
        try (WsRecorder lee = server.chat("text-room", "lee")) {
            lee.send("{\"type\":\"say\",\"text\":\"0123456789\"}");
            lee.expect(Message.class);
            lee.send("{\"type\":\"say\",\"text\":\"0123456789a\",\"ref\":\"long\"}");
            lee.expect(Ack.class);
            assertError("invalid", "long", lee.expect(Error.class));
        }
    }

    @Test
    void theBurstAndTheFloodStrikesAreSettings() {
        try (WsRecorder max = server.chat("burst-room", "max")) {
            for (int i = 0; i < 5; i++) {
                max.send("{\"type\":\"ping\"}");
                assertInstanceOf(Pong.class, max.next());
            }
            for (int strike = 1; strike <= 4; strike++) {
                max.send("{\"type\":\"ping\",\"ref\":\"s" + strike + "\"}");
                ServerMessage answer = max.next();
                assertError("rate_limited", "s" + strike, (Error) answer);
            }
            max.awaitClose(1008);
        }
    }

    @Test
    void rateLimitedAnswersSpreadWiderThanTheFloodWindowDoNotClose() throws InterruptedException {
        try (WsRecorder ned = server.chat("window-room", "ned")) {
            for (int i = 0; i < 5; i++) {
                ned.send("{\"type\":\"ping\"}");
                assertInstanceOf(Pong.class, ned.next());
            }
            // 6 strikes 400 ms apart: any 4 of them span more than the 1 s window.
            for (int strike = 1; strike <= 6; strike++) {
                ned.send("{\"type\":\"ping\",\"ref\":\"w" + strike + "\"}");
                assertError("rate_limited", "w" + strike, (Error) ned.next());
                Thread.sleep(400); // pacing the client, not waiting for an event
            }
            assertFalse(ned.isClosed(), "closed with " + (ned.isClosed() ? ned.awaitClose() : 0));
        }
    }
}
