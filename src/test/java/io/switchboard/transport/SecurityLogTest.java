package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityLogTest {

    @Test
    void cleanStripsControlCharactersAndMasksTokens() {
        String cleaned = SecurityLog.clean("origin\r\nINFO: fake eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ");
        assertFalse(cleaned.contains("\n") || cleaned.contains("\r"), cleaned);
        assertTrue(cleaned.contains("[token]"), cleaned);
        assertFalse(cleaned.contains("eyJzdWIiOiJ4In0"), cleaned);
    }

    @Test
    void cleanCapsTheLength() {
        assertTrue(SecurityLog.clean("x".repeat(10_000)).length() < 300);
        assertEquals("-", SecurityLog.clean(null));
    }
}
