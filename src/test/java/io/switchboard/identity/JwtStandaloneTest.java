package io.switchboard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Subscribed;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import io.switchboard.standalone.StandaloneServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** auth=jwt end to end: tokens in the query or the header, expiry before and during a connection, access claims. */
class JwtStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.auth", "jwt", "switchboard.jwt.secret", Tokens.SECRET,
                "switchboard.jwt.publicKey", Tokens.publicPem(), "switchboard.defaultTopics", "public-*"));

    static String inAMinute(String sub) {
        return Tokens.hs256(sub, Instant.now().plusSeconds(60));
    }

    @Test
    void tokenInTheQueryOpensTheRoomWithItsDisplayName() {
        String token = Tokens.hs256(c -> c.subject("alice").claim("name", "Alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))));
        try (WsRecorder alice = WsRecorder.open(server.ws("/chat/jwt-room?access_token=" + token))) {
            assertEquals("alice", alice.expect(Welcome.class).user());
            alice.send("{\"type\":\"say\",\"text\":\"hi\"}");
            Message message = alice.expect(Message.class);
            assertEquals("alice", message.from());
            assertEquals("Alice", message.name());
        }
    }

    @Test
    void rs256TokenInTheBearerHeaderOpensTheInbox() {
        String token = Tokens.rs256(c -> c.subject("bob").expirationTime(Date.from(Instant.now().plusSeconds(60))));
        try (WsRecorder bob = WsRecorder.open(server.ws("/notifications"), Map.of("Authorization", "Bearer " + token))) {
            assertEquals("bob", bob.expect(Welcome.class).user());
        }
    }

    @Test
    void userParameterIsNoIdentityInJwtMode() {
        try (WsRecorder guest = WsRecorder.open(server.ws("/chat/jwt-room?user=alice"))) {
            guest.awaitClose(4500);
        }
    }

    @Test
    void expiredTokenClosesWith4001BeforeAnyWelcome() {
        try (WsRecorder late = WsRecorder.open(server.ws("/chat/jwt-room?access_token="
                + Tokens.hs256("carol", Instant.now().minusSeconds(5))))) {
            late.awaitClose(4001);
            late.expectSilence(Duration.ofMillis(50));
        }
    }

    @Test
    void badlySignedAndUnsignedTokensCloseWith4500() {
        String forged = Tokens.sign(com.nimbusds.jose.JWSAlgorithm.HS256,
                "not-the-secret-but-just-as-long-as-it!".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                c -> c.subject("dave").expirationTime(Date.from(Instant.now().plusSeconds(60))));
        try (WsRecorder bad = WsRecorder.open(server.ws("/chat/jwt-room?access_token=" + forged))) {
            bad.awaitClose(4500);
        }
        try (WsRecorder none = WsRecorder.open(server.ws("/chat/jwt-room?access_token="
                + Tokens.unsigned("dave", Instant.now().plusSeconds(60))))) {
            none.awaitClose(4500);
        }
    }

    @Test
    void tokenThatExpiresWhileOpenClosesTheConnectionWith4001AtExpiry() {
        Instant expiry = Instant.now().plusMillis(1500);
        String token = Tokens.hs256(c -> c.subject("erin").expirationTime(Date.from(expiry)));
        try (WsRecorder erin = WsRecorder.open(server.ws("/notifications?access_token=" + token))) {
            erin.expect(Welcome.class);
            erin.awaitClose(4001);
            // JWT times are whole seconds: the close comes at the second the token names, not before.
            Instant expected = Instant.ofEpochSecond(expiry.getEpochSecond());
            assertTrue(!Instant.now().isBefore(expected), "closed before expiry");
            assertTrue(Instant.now().isBefore(expected.plusSeconds(2)), "closed long after expiry");
        }
    }

    @Test
    void roomOutsideTheTokensRoomsClosesWith4501() {
        String token = Tokens.hs256(c -> c.subject("frank").claim("rooms", List.of("team-*"))
                .expirationTime(Date.from(Instant.now().plusSeconds(60))));
        try (WsRecorder allowed = WsRecorder.open(server.ws("/chat/team-blue?access_token=" + token))) {
            allowed.expect(Welcome.class);
        }
        try (WsRecorder refused = WsRecorder.open(server.ws("/chat/board-room?access_token=" + token))) {
            refused.awaitClose(4501);
        }
    }

    @Test
    void topicOutsideTheDefaultsIsForbiddenAndTheConnectionLives() {
        try (WsRecorder gina = WsRecorder.open(server.ws("/notifications?access_token=" + inAMinute("gina")))) {
            gina.expect(Welcome.class);
            gina.send("{\"type\":\"subscribe\",\"topic\":\"secret-plans\",\"ref\":\"s1\"}");
            Error error = gina.expect(Error.class);
            assertEquals("forbidden", error.code());
            assertEquals("s1", error.ref());
            gina.send("{\"type\":\"subscribe\",\"topic\":\"public-news\",\"ref\":\"s2\"}");
            assertEquals("public-news", gina.expect(Subscribed.class).topic());
        }
    }

    @Test
    void topicsClaimReplacesTheDefaults() {
        String token = Tokens.hs256(c -> c.subject("hank").claim("topics", List.of("secret-*"))
                .expirationTime(Date.from(Instant.now().plusSeconds(60))));
        try (WsRecorder hank = WsRecorder.open(server.ws("/notifications?access_token=" + token))) {
            hank.expect(Welcome.class);
            hank.send("{\"type\":\"subscribe\",\"topic\":\"secret-plans\"}");
            hank.expect(Subscribed.class);
            hank.send("{\"type\":\"subscribe\",\"topic\":\"public-news\"}");
            assertEquals("forbidden", hank.expect(Error.class).code());
        }
    }

    @Test
    void devModeRefusesToServeANetworkAddress() {
        StandaloneServer open = new StandaloneServer(Settings.of(Map.of("switchboard.auth", "dev",
                "switchboard.host", "0.0.0.0", "switchboard.port", "0")));
        IllegalStateException e = assertThrows(IllegalStateException.class, open::start);
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    void jwtModeWithoutAKeyRefusesToStartStandaloneAndInAContainer() {
        StandaloneServer keyless = new StandaloneServer(Settings.of(Map.of("switchboard.auth", "jwt",
                "switchboard.port", "0", "switchboard.jwt.secret", "", "switchboard.jwt.publicKey", "")));
        IllegalStateException standalone = assertThrows(IllegalStateException.class, keyless::start);
        assertTrue(standalone.getMessage().contains("switchboard.jwt.secret"), standalone.getMessage());
        IllegalStateException container = assertThrows(IllegalStateException.class,
                () -> Switchboard.start(Settings.of(Map.of("switchboard.jwt.secret", "", "switchboard.jwt.publicKey", "",
                        "switchboard.auth", "")), Switchboard.Host.CONTAINER));
        assertTrue(container.getMessage().contains("switchboard.jwt.secret"), container.getMessage());
    }

    @Test
    void aNameEndingInALoneSurrogateShowsTheUserIdAndJamsNoMember() {
        String eveToken = Tokens.hs256Payload("{\"sub\":\"eve\",\"name\":\"Eve\\ud83d\",\"exp\":"
                + Instant.now().plusSeconds(60).getEpochSecond() + "}");
        try (WsRecorder bob = WsRecorder.open(server.ws("/chat/jam-room?access_token=" + inAMinute("bob")));
                WsRecorder eve = WsRecorder.open(server.ws("/chat/jam-room?access_token=" + eveToken))) {
            bob.expect(Welcome.class);
            eve.expect(Welcome.class);
            eve.send("{\"type\":\"say\",\"text\":\"hello\"}");
            Message fromEve = bob.await(Message.class);
            assertEquals("eve", fromEve.from());
            assertEquals("eve", fromEve.name());
            bob.send("{\"type\":\"say\",\"text\":\"still here\"}");
            assertEquals("still here", bob.await(Message.class, m -> m.from().equals("bob")).text());
            assertEquals("still here", eve.await(Message.class, m -> m.from().equals("bob")).text());
        }
    }
}
