package io.switchboard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final JwtAuthenticator both = JwtAuthenticator.of(Tokens.SECRET.getBytes(StandardCharsets.UTF_8),
            (RSAPublicKey) Tokens.RSA.getPublic(), CLOCK);
    final JwtAuthenticator hmacOnly = JwtAuthenticator.of(Tokens.SECRET.getBytes(StandardCharsets.UTF_8), null, CLOCK);

    static Handshake query(String token) {
        return new Handshake(Map.of("access_token", List.of(token)), Map.of());
    }

    static Handshake header(String value) {
        return new Handshake(Map.of(), Map.of("authorization", List.of(value)));
    }

    static int refusal(JwtAuthenticator authenticator, Handshake handshake) {
        return assertThrows(Refusal.class, () -> authenticator.authenticate(handshake)).code().code();
    }

    @Test
    void validHs256TokenNamesTheUserAndItsExpiry() {
        Identity identity = both.authenticate(query(Tokens.hs256(c -> c.subject("alice").claim("name", "Alice A.")
                .expirationTime(Date.from(NOW.plusSeconds(60))))));
        assertEquals("alice", identity.user());
        assertEquals("Alice A.", identity.name());
        assertEquals(NOW.plusSeconds(60), identity.expires());
    }

    @Test
    void withoutANameClaimTheDisplayNameIsTheUserId() {
        assertEquals("bob", both.authenticate(query(Tokens.hs256("bob", NOW.plusSeconds(60)))).name());
    }

    @Test
    void validRs256TokenIsAccepted() {
        String token = Tokens.rs256(c -> c.subject("carol").expirationTime(Date.from(NOW.plusSeconds(60))));
        assertEquals("carol", both.authenticate(query(token)).user());
    }

    @Test
    void rs256TokenWithoutAConfiguredPublicKeyIs4500() {
        String token = Tokens.rs256(c -> c.subject("carol").expirationTime(Date.from(NOW.plusSeconds(60))));
        assertEquals(4500, refusal(hmacOnly, query(token)));
    }

    @Test
    void bearerHeaderIsReadWhenThereIsNoQueryToken() {
        assertEquals("dave", both.authenticate(header("Bearer " + Tokens.hs256("dave", NOW.plusSeconds(60)))).user());
    }

    @Test
    void queryTokenIsReadBeforeTheHeader() {
        Handshake handshake = new Handshake(Map.of("access_token", List.of(Tokens.hs256("query", NOW.plusSeconds(60)))),
                Map.of("Authorization", List.of("Bearer " + Tokens.hs256("header", NOW.plusSeconds(60)))));
        assertEquals("query", both.authenticate(handshake).user());
    }

    @Test
    void userParameterMeansNothing() {
        assertEquals(4500, refusal(both, new Handshake(Map.of("user", List.of("alice")), Map.of())));
    }

    @Test
    void expiredTokenIs4001WithNoLeeway() {
        assertEquals(4001, refusal(both, query(Tokens.hs256("alice", NOW))));
        assertEquals(4001, refusal(both, query(Tokens.hs256("alice", NOW.minusSeconds(1)))));
    }

    @Test
    void expiredTokenWithABadSignatureIs4500() {
        String token = Tokens.sign(JWSAlgorithm.HS256, "another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8),
                c -> c.subject("alice").expirationTime(Date.from(NOW.minusSeconds(60))));
        assertEquals(4500, refusal(both, query(token)));
    }

    @Test
    void tokenWithoutExpIs4500() {
        assertEquals(4500, refusal(both, query(Tokens.hs256("alice", null))));
    }

    @Test
    void tokenBeforeItsNbfIs4500() {
        String token = Tokens.hs256(c -> c.subject("alice").expirationTime(Date.from(NOW.plusSeconds(600)))
                .notBeforeTime(Date.from(NOW.plusSeconds(1))));
        assertEquals(4500, refusal(both, query(token)));
    }

    @Test
    void algNoneIs4500() {
        assertEquals(4500, refusal(both, query(Tokens.unsigned("alice", NOW.plusSeconds(60)))));
    }

    @Test
    void otherHmacAlgorithmsAre4500() {
        byte[] longSecret = (Tokens.SECRET + Tokens.SECRET).getBytes(StandardCharsets.UTF_8);
        String token = Tokens.sign(JWSAlgorithm.HS512, longSecret, c -> c.subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(60))));
        JwtAuthenticator sameSecret = JwtAuthenticator.of(longSecret, null, CLOCK);
        assertEquals(4500, refusal(sameSecret, query(token)));
    }

    @Test
    void tamperedPayloadIs4500() {
        String token = Tokens.hs256("alice", NOW.plusSeconds(60));
        String[] parts = token.split("\\.");
        String forged = Tokens.hs256("mallory", NOW.plusSeconds(60)).split("\\.")[1];
        assertEquals(4500, refusal(both, query(parts[0] + "." + forged + "." + parts[2])));
    }

    @Test
    void garbageAndMissingTokensAre4500() {
        assertEquals(4500, refusal(both, query("not.a.token")));
        assertEquals(4500, refusal(both, query("x".repeat(100_000))));
        assertEquals(4500, refusal(both, header("Basic YWxpY2U6c2VjcmV0")));
        assertEquals(4500, refusal(both, new Handshake(Map.of(), Map.of())));
    }

    @Test
    void invalidSubjectIs4500() {
        assertEquals(4500, refusal(both, query(Tokens.hs256("not a user id!", NOW.plusSeconds(60)))));
    }

    @Test
    void claimsOfTheWrongKindAre4500() {
        String token = Tokens.hs256(c -> c.subject("alice").claim("rooms", "lobby")
                .expirationTime(Date.from(NOW.plusSeconds(60))));
        assertEquals(4500, refusal(both, query(token)));
    }

    @Test
    void roomAndTopicClaimsLimitAccess() {
        Identity identity = both.authenticate(query(Tokens.hs256(c -> c.subject("alice")
                .claim("rooms", List.of("team-*", "lobby")).claim("topics", List.of())
                .expirationTime(Date.from(NOW.plusSeconds(60))))));
        assertTrue(identity.access().mayJoin("team-red"));
        assertTrue(identity.access().mayJoin("lobby"));
        assertFalse(identity.access().mayJoin("admin"));
        assertFalse(identity.access().maySubscribe("deploys"));
    }

    @Test
    void withoutAnyKeyTheAuthenticatorRefusesToExist() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JwtAuthenticator.of((String) null, null, Access.ALL));
        assertTrue(e.getMessage().contains("switchboard.jwt.secret"), e.getMessage());
    }

    @Test
    void aShortSecretRefusesToStart() {
        assertThrows(IllegalStateException.class, () -> JwtAuthenticator.of("short", null, Access.ALL));
    }

    @Test
    void pemPublicKeyIsRead() {
        assertEquals(Tokens.RSA.getPublic(), JwtAuthenticator.rsaPublicKey(Tokens.publicPem()));
        assertNull(JwtAuthenticator.token(header("Bearer ")));
    }

    // ---- iss and aud, when required (switchboard.jwt.issuer, switchboard.jwt.audience) ----

    final JwtAuthenticator strict = JwtAuthenticator.of(Tokens.SECRET.getBytes(StandardCharsets.UTF_8), null, CLOCK,
            "https://id.example.com", "switchboard");

    static String token(java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> extra) {
        return Tokens.hs256(c -> {
            c.subject("alice").expirationTime(Date.from(NOW.plusSeconds(60)));
            extra.accept(c);
        });
    }

    @Test
    void requiredIssuerAndAudienceAreAccepted() {
        assertEquals("alice", strict.authenticate(query(token(c -> c.issuer("https://id.example.com")
                .audience("switchboard")))).user());
        assertEquals("alice", strict.authenticate(query(token(c -> c.issuer("https://id.example.com")
                .audience(List.of("billing", "switchboard"))))).user());
    }

    @Test
    void aMissingOrOtherIssuerIs4500() {
        assertEquals(4500, refusal(strict, query(token(c -> c.audience("switchboard")))));
        assertEquals(4500, refusal(strict, query(token(c -> c.issuer("https://evil.example.com").audience("switchboard")))));
        assertEquals(4500, refusal(strict, query(token(c -> c.issuer("https://id.example.com/").audience("switchboard")))));
    }

    @Test
    void aMissingOrOtherAudienceIs4500() {
        assertEquals(4500, refusal(strict, query(token(c -> c.issuer("https://id.example.com")))));
        assertEquals(4500, refusal(strict, query(token(c -> c.issuer("https://id.example.com").audience(List.of("billing"))))));
    }

    @Test
    void anExpiredTokenFromAnotherIssuerIs4500Not4001() {
        String token = Tokens.hs256(c -> c.subject("alice").issuer("https://evil.example.com").audience("switchboard")
                .expirationTime(Date.from(NOW.minusSeconds(5))));
        assertEquals(4500, refusal(strict, query(token)));
        String ours = Tokens.hs256(c -> c.subject("alice").issuer("https://id.example.com").audience("switchboard")
                .expirationTime(Date.from(NOW.minusSeconds(5))));
        assertEquals(4001, refusal(strict, query(ours)));
    }

    @Test
    void withoutTheSettingsIssuerAndAudienceAreNotChecked() {
        assertEquals("alice", both.authenticate(query(token(c -> c.issuer("anyone").audience("anything")))).user());
    }

    // ---- the name claim becomes the display name only when it is fit to show ----

    @Test
    void aNameIsTrimmed() {
        assertEquals("Alice A.", both.authenticate(query(token(c -> c.claim("name", "  Alice A.\t ")))).name());
    }

    @Test
    void aNameOf64CodePointsIsKeptAnd65FallBackToTheUserId() {
        String emoji = "\uD83D\uDE00";
        assertEquals(emoji.repeat(64), both.authenticate(query(token(c -> c.claim("name", emoji.repeat(64))))).name());
        assertEquals("alice", both.authenticate(query(token(c -> c.claim("name", "x".repeat(65))))).name());
    }

    @Test
    void aNameWithControlsSeparatorsOrBidiOverridesFallsBackToTheUserId() {
        for (String name : List.of("Alice\nINFO forged", "Al\u0085ice", "Ali\u2028ce", "\u202Eecila", "a\u0000")) {
            assertEquals("alice", both.authenticate(query(token(c -> c.claim("name", name)))).name(), name);
        }
    }

    @Test
    void aNameEndingInALoneSurrogateFallsBackToTheUserId() {
        // Written by hand: a JSON library would not put a lone surrogate into a token, an attacker's issuer might.
        String token = Tokens.hs256Payload("{\"sub\":\"alice\",\"name\":\"Alice\\ud83d\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}");
        assertEquals("alice", both.authenticate(query(token)).name());
    }
}
