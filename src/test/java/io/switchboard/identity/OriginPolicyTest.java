package io.switchboard.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOrigin = OriginPolicy.sameOrigin();

    @Test
    void aHandshakeWithoutOriginIsNotABrowserAndPasses() {
        assertTrue(sameOrigin.allows(null, "127.0.0.1:8080"));
    }

    @Test
    void sameOriginComparesHostAndPortIgnoringTheScheme() {
        assertTrue(sameOrigin.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(sameOrigin.allows("https://chat.example.com", "chat.example.com:443"));
        assertTrue(sameOrigin.allows("http://Chat.Example.com", "chat.example.com"));
        assertFalse(sameOrigin.allows("http://evil.example", "127.0.0.1:8080"));
        assertFalse(sameOrigin.allows("http://127.0.0.1:9090", "127.0.0.1:8080"));
        assertFalse(sameOrigin.allows("null", "127.0.0.1:8080"));
    }

    @Test
    void anAllowListAdmitsOnlyItsOriginsAndStarAdmitsAll() {
        OriginPolicy list = OriginPolicy.allowList("https://app.example.com, http://localhost:3000");
        assertTrue(list.allows("https://app.example.com:443", "api.example.com"));
        assertTrue(list.allows("http://localhost:3000", "127.0.0.1:8080"));
        assertFalse(list.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(OriginPolicy.allowList("*").allows("http://anything", "x"));
    }
}
