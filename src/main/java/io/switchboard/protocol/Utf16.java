package io.switchboard.protocol;

/**
 * JSON's {@code \ud800} escapes can put a lone surrogate into a Java string; such a string has no
 * UTF-8 form, so echoing or broadcasting it would fail every send that carries it (Tyrus throws an
 * {@code Error} from its encoder), and once stored, every later welcome. Client input is checked here.
 */
public final class Utf16 {

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
}
