package io.switchboard.web;

import static io.switchboard.web.SwitchboardWar.base;
import static io.switchboard.web.SwitchboardWar.ws;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import io.switchboard.identity.Tokens;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR on Payara Micro with the container's default identity mode, {@code jwt}: no
 * {@code switchboard.auth} on that JVM, only the HS256 secret (arquillian.xml,
 * {@code payara-micro-jwt}). Proves the bundled token library and the handshake's query and
 * header reach the authenticator inside the container.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JwtOnPayaraIT {

    @ArquillianResource
    private URL url;

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-jwt")
    static WebArchive war() {
        return SwitchboardWar.fromBuild();
    }

    @Test
    void aTokenInTheQueryNamesTheUser() {
        String token = Tokens.hs256(claims -> claims.subject("kim").claim("name", "Kim K.")
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(300))));
        try (WsRecorder kim = WsRecorder.open(ws(base(url), "chat/jwt-room?access_token=" + token))) {
            assertEquals("kim", kim.expect(Welcome.class).user());
        }
    }

    @Test
    void aTokenInTheAuthorizationHeaderNamesTheUser() {
        String token = Tokens.hs256("lee", Instant.now().plusSeconds(300));
        try (WsRecorder lee = WsRecorder.open(ws(base(url), "notifications"), Map.of("Authorization", "Bearer " + token))) {
            assertEquals("lee", lee.expect(Welcome.class).user());
        }
    }

    @Test
    void aGuestNameIsNotAnIdentityHereAndClosesWith4500() {
        URI base = base(url);
        try (WsRecorder guest = WsRecorder.open(ws(base, "chat/jwt-room?user=mallory"))) {
            guest.awaitClose(4500);
        }
    }

    @Test
    void anExpiredTokenClosesWith4001() {
        String token = Tokens.hs256("kim", Instant.now().minusSeconds(5));
        try (WsRecorder late = WsRecorder.open(ws(base(url), "chat/jwt-room?access_token=" + token))) {
            late.awaitClose(4001);
        }
    }
}
