package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf16Test {

    private static final String EMOJI = "\uD83D\uDE00";

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "é", "€", "\uD83D\uDE00", "a\uD800b", "\uDC00", "x\uD83D", "mixed é € \uD83D\uDE00 end"})
    void utf8LengthIsTheEncodedLength(String s) {
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf16.utf8Length(s));
    }

    @Test
    void utf8LengthAgreesWithTheEncoderOnRandomText() {
        Random random = new Random(42);
        for (int run = 0; run < 2000; run++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                // Mostly the interesting ranges: ASCII, two and three bytes, surrogates (paired or not).
                int pick = random.nextInt(5);
                s.append((char) switch (pick) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xD000);
                    case 3 -> 0xD800 + random.nextInt(0x800);
                    default -> 0xE000 + random.nextInt(0x2000);
                });
            }
            String text = s.toString();
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Utf16.utf8Length(text), text);
        }
    }

    @Test
    void utf8LongerThanCountsOnlyWhenItMust() {
        assertFalse(Utf16.utf8LongerThan("abc", 9));
        assertTrue(Utf16.utf8LongerThan("é".repeat(5), 9));
        assertFalse(Utf16.utf8LongerThan("é".repeat(4), 9));
        assertTrue(Utf16.utf8LongerThan(EMOJI.repeat(3), 11));
        assertFalse(Utf16.utf8LongerThan(EMOJI.repeat(3), 12));
    }

    @Test
    void clipNeverCutsASurrogatePair() {
        String typeName = "a".repeat(31) + EMOJI + "tail";
        String clipped = Utf16.clip(typeName, 32);
        assertEquals("a".repeat(31) + EMOJI + "…", clipped);
        assertTrue(Utf16.isWellFormed(clipped));
        assertEquals("a".repeat(31) + "…", Utf16.clip("a".repeat(31) + EMOJI, 31));
    }

    @Test
    void clipLeavesShortTextAloneAndReplacesLoneSurrogates() {
        String ok = "short " + EMOJI;
        assertSame(ok, Utf16.clip(ok, 32));
        assertEquals("a\uFFFDb", Utf16.clip("a\uD800b", 32));
        assertEquals("\uFFFD\uFFFD…", Utf16.clip("\uDC00\uD800rest", 2));
        assertEquals("a".repeat(32), Utf16.clip("a".repeat(32), 32));
        assertNull(Utf16.clip(null, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\u0000", "\u0085", "\u2028", "\u2029", "\u202E", "\u2066x", "\u200F", "\u009B", "x\uD800"})
    void controlsSeparatorsBidiAndLoneSurrogatesAreFound(String s) {
        assertTrue(Utf16.hasControlsOrLoneSurrogates(s), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice", "Zoë Ångström", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "❤\uFE0F", "李小龍", "a b"})
    void ordinaryNamesHaveNoControls(String s) {
        assertFalse(Utf16.hasControlsOrLoneSurrogates(s), s);
    }
}
