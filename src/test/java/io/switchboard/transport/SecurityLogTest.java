package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SecurityLogTest {

    private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<String> lines = new ArrayList<>();
    private final SecurityLog.Throttle throttle = new SecurityLog.Throttle(clock::get, WINDOW, 3, 10, lines::add);

    private void event(String kind, String address) {
        throttle.event(kind, address, () -> kind + " from " + address);
    }

    @Test
    void cleanStripsControlCharactersAndMasksTokens() {
        String cleaned = SecurityLog.clean("origin\r\nINFO: fake eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ");
        assertFalse(cleaned.contains("\n") || cleaned.contains("\r"), cleaned);
        assertTrue(cleaned.contains("[token]"), cleaned);
        assertFalse(cleaned.contains("eyJzdWIiOiJ4In0"), cleaned);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0085", "\u2028", "\u2029", "\u202E", "\u2067", "\u200F", "\u061C", "\u009B", "\u001B", "\uD800", "\uDC00"})
    void cleanReplacesLineBreakersBidiControlsAndLoneSurrogates(String bad) {
        assertEquals("origin ? forged", SecurityLog.clean("origin " + bad + " forged"));
    }

    @Test
    void cleanKeepsOrdinaryTextAndWholeEmoji() {
        assertEquals("Zoë \uD83D\uDE00 李", SecurityLog.clean("Zoë \uD83D\uDE00 李"));
    }

    @Test
    void cleanCapsTheLengthOnACodePoint() {
        assertTrue(SecurityLog.clean("x".repeat(10_000)).length() < 300);
        assertEquals("-", SecurityLog.clean(null));
        String emoji = "\uD83D\uDE00".repeat(300);
        String cleaned = SecurityLog.clean(emoji);
        assertEquals("\uD83D\uDE00".repeat(200) + "…", cleaned);
    }

    @Test
    void eachKindAndAddressLogsAFewLinesAWindowThenSaysTheRestIsSuppressed() {
        for (int i = 0; i < 50; i++) {
            event("token", "10.0.0.1");
        }
        assertEquals(List.of("token from 10.0.0.1", "token from 10.0.0.1", "token from 10.0.0.1",
                "security token from 10.0.0.1: more than 3 in 60 s, suppressing the rest"), lines);
        event("origin", "10.0.0.1");
        event("token", "10.0.0.2");
        assertEquals(List.of("origin from 10.0.0.1", "token from 10.0.0.2"), lines.subList(4, 6));
    }

    @Test
    void afterTheWindowTheSuppressedAreCountedInOneLine() {
        for (int i = 0; i < 50; i++) {
            event("token", "10.0.0.1");
        }
        lines.clear();
        clock.addAndGet(WINDOW);
        event("limit", "10.0.0.9");
        assertEquals(List.of("security token from 10.0.0.1: 47 more suppressed in 60 s", "limit from 10.0.0.9"), lines);
        lines.clear();
        event("token", "10.0.0.1");
        assertEquals(List.of("token from 10.0.0.1"), lines);
    }

    @Test
    void allAddressesTogetherHaveABoundToo() {
        for (int i = 0; i < 10_000; i++) {
            event("origin", "10.1." + (i / 250) + "." + (i % 250));
        }
        assertEquals(11, lines.size(), lines.toString());
        assertEquals("security: more than 10 events in 60 s, suppressing the rest", lines.get(10));
        assertTrue(throttle.trackedKeys() <= 10, "tracked " + throttle.trackedKeys());
        lines.clear();
        clock.addAndGet(WINDOW);
        event("origin", "10.9.9.9");
        assertEquals(List.of("security: 9990 more events suppressed in 60 s", "origin from 10.9.9.9"), lines);
    }

    @Test
    void countersStayBoundedWhileAddressesRotateForever() {
        for (int i = 0; i < 100_000; i++) {
            if (i % 1000 == 0) {
                clock.addAndGet(WINDOW / 7);
            }
            event("token", "2001:db8::" + Integer.toHexString(i));
            assertTrue(throttle.trackedKeys() <= 40, "tracked " + throttle.trackedKeys());
        }
    }
}
