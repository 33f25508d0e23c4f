package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.protocol.ClientMessage.History;
import io.switchboard.protocol.ClientMessage.Ping;
import io.switchboard.protocol.ClientMessage.Read;
import io.switchboard.protocol.ClientMessage.Say;
import io.switchboard.protocol.ClientMessage.Subscribe;
import io.switchboard.protocol.ClientMessage.Typing;
import io.switchboard.protocol.ClientMessage.Unsubscribe;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One golden JSON file per frame type (src/test/resources/golden, shared with the JavaScript
 * tests): client files decode to the expected record; server records encode to their file and
 * decode back to themselves.
 */
class GoldenFramesTest {

    private static final Codec CODEC = Codec.standard();

    static Stream<Arguments> clientFrames() {
        return Stream.of(
                Arguments.of("say", new Say("hello, world", "c1")),
                Arguments.of("typing", new Typing()),
                Arguments.of("history", new History(120L, 20, "h1")),
                Arguments.of("ping", new Ping("p1")),
                Arguments.of("subscribe", new Subscribe("deploys", 41L, "k3x9a", "s1")),
                Arguments.of("unsubscribe", new Unsubscribe("deploys", "u1")),
                Arguments.of("read", new Read(7L, "r1")));
    }

    static Stream<Arguments> serverFrames() {
        Message bobSaysHi = new Message("lobby", 2, "bob", "bob", "hi", "2026-11-24T20:00:00.123Z");
        return Stream.of(
                Arguments.of("welcome-chat", ServerMessage.Welcome.chat("lobby", "alice", 2, List.of("bob", "alice"), 2,
                        "k3x9a", true, Map.of("bob", 2L), List.of(bobSaysHi))),
                Arguments.of("welcome-notifications", ServerMessage.Welcome.inbox("alice", 1, "p0q1", 1, null,
                        List.of(new Notification("n-1", 1, null, "Build failed", "", JsonValue.EMPTY_JSON_OBJECT,
                                "2026-11-24T20:00:00Z")))),
                Arguments.of("message", new Message("lobby", 3, "alice", "Alice", "hello", "2026-11-24T20:00:01.5Z")),
                Arguments.of("ack", new ServerMessage.Ack("c1", 3)),
                Arguments.of("presence", ServerMessage.Presence.join("bob", 2)),
                Arguments.of("typing", new ServerMessage.Typing("bob")),
                Arguments.of("history", new ServerMessage.History("h1",
                        List.of(new Message("lobby", 1, "bob", "bob", "first", "2026-11-24T19:59:00Z")), true)),
                Arguments.of("pong", new ServerMessage.Pong("p1")),
                Arguments.of("error", ServerMessage.Error.of(ErrorCode.INVALID, "'text' is required", "c2")),
                Arguments.of("notification", new Notification("deploy-42", 12, "deploys", "Deployed", "v1.2 is live",
                        Json.createObjectBuilder().add("version", "1.2").add("ok", true).build(), "2026-11-24T20:00:02Z")),
                Arguments.of("subscribed", new ServerMessage.Subscribed("s1", "deploys", 12, "k3x9a", false, List.of())),
                Arguments.of("unsubscribed", new ServerMessage.Unsubscribed("u1", "deploys")),
                Arguments.of("unread", new ServerMessage.Unread(0, 12, "r1")),
                Arguments.of("receipt", new ServerMessage.Receipt("bob", 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientFrames")
    void clientFrameDecodesFromItsGoldenFile(String name, ClientMessage expected) throws Exception {
        assertEquals(expected, CODEC.client().decode(golden("client/" + name)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverFrames")
    void serverFrameEncodesToItsGoldenFileAndBack(String name, ServerMessage frame) throws IOException {
        String golden = golden("server/" + name);
        String encoded = CODEC.server().encode(frame);
        assertEquals(parse(golden), parse(encoded), "encoded JSON");
        assertEquals(frame, CODEC.server().decode(encoded), "round trip");
        assertEquals(frame, CODEC.server().decode(golden), "golden decodes");
    }

    private static JsonValue parse(String json) {
        return Json.createReader(new StringReader(json)).readValue();
    }

    static String golden(String name) throws IOException {
        try (InputStream in = GoldenFramesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            if (in == null) {
                throw new IOException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
