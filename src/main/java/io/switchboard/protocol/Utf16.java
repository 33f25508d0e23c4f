package io.switchboard.protocol;

/**
 * JSON's {@code \ud800} escapes can put a lone surrogate into a Java string; such a string has no
 * UTF-8 form, so echoing or broadcasting it would fail every send that carries it (Tyrus throws an
 * {@code Error} from its encoder), and once stored, every later welcome. Client input is checked here,
 * and text the server echoes is clipped here on code-point boundaries.
 */
public final class Utf16 {

    private static final char ELLIPSIS = '…';
    private static final char REPLACEMENT = '\uFFFD';

    private Utf16() {
    }

    /** True when every surrogate in {@code s} is half of a pair. */
    public static boolean isWellFormed(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The length of {@code s} in UTF-8, without encoding it: the same number as
     * {@code s.toString().getBytes(UTF_8).length}, where a lone surrogate becomes one {@code '?'}.
     * For size checks on frames of up to a MiB, which should not allocate a copy to count it.
     */
    public static long utf8Length(CharSequence s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * True when {@code s} in UTF-8 would be longer than {@code max} bytes; stops counting as soon as it
     * is, and answers at once when even three bytes per UTF-16 unit would fit.
     */
    public static boolean utf8LongerThan(CharSequence s, long max) {
        if ((long) s.length() * 3 <= max) {
            return false;
        }
        return utf8Length(s) > max;
    }

    /**
     * {@code s} safe to echo: at most {@code maxCodePoints} code points (then an ellipsis), never cut
     * inside a surrogate pair, with any lone surrogate replaced by U+FFFD so the result always has a
     * UTF-8 form. Null stays null.
     */
    public static String clip(String s, int maxCodePoints) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        int codePoints = 0;
        for (int i = 0; i < s.length(); ) {
            if (codePoints == maxCodePoints) {
                return (out == null ? s.substring(0, i) : out.toString()) + ELLIPSIS;
            }
            char c = s.charAt(i);
            int width = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    ? 2 : 1;
            boolean lone = width == 1 && Character.isSurrogate(c);
            if (lone && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (lone) {
                    out.append(REPLACEMENT);
                } else {
                    out.append(s, i, i + width);
                }
            }
            i += width;
            codePoints++;
        }
        return out == null ? s : out.toString();
    }

    /**
     * Characters that must not reach a log line or a display name: C0 and C1 controls (U+0085 NEL
     * among them), the line and paragraph separators U+2028 and U+2029, and the bidirectional
     * formatting controls, which can make a line read as something it is not. Joiners and variation
     * selectors (emoji sequences need them) are not among them.
     */
    public static boolean isControl(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || isBidiControl(codePoint);
    }

    /** True when {@code s} holds any character {@link #isControl} names, or a lone surrogate. */
    public static boolean hasControlsOrLoneSurrogates(CharSequence s) {
        if (!isWellFormed(s)) {
            return true;
        }
        return s.codePoints().anyMatch(Utf16::isControl);
    }

    private static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }
}
