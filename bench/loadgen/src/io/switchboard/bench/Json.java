package io.switchboard.bench;

import java.nio.charset.StandardCharsets;

/**
 * Just enough JSON reading for the frames the generator checks, straight from the bytes: the
 * value of a top-level-looking key, found by its first occurrence. Safe here because the
 * generator writes every text and ref itself (digits and padding, no quotes or keys).
 */
final class Json {

    private Json() {
    }

    static final byte[] TYPE = key("type");
    static final byte[] SEQ = key("seq");
    static final byte[] TEXT = key("text");
    static final byte[] REF = key("ref");
    static final byte[] CODE = key("code");

    static byte[] key(String k) {
        return ("\"" + k + "\"").getBytes(StandardCharsets.US_ASCII);
    }

    /** Where the value of {@code key} starts (after the colon and any spaces), or -1. */
    static int valueAt(byte[] b, int off, int len, byte[] key) {
        int end = off + len;
        outer:
        for (int i = off; i <= end - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (b[i + j] != key[j]) {
                    continue outer;
                }
            }
            int p = i + key.length;
            while (p < end && b[p] == ' ') {
                p++;
            }
            if (p < end && b[p] == ':') {
                p++;
                while (p < end && b[p] == ' ') {
                    p++;
                }
                return p;
            }
        }
        return -1;
    }

    /** The string value of {@code key}, or null. */
    static String string(byte[] b, int off, int len, byte[] key) {
        int p = valueAt(b, off, len, key);
        if (p < 0 || b[p] != '"') {
            return null;
        }
        int q = p + 1;
        while (q < off + len && b[q] != '"') {
            q++;
        }
        return new String(b, p + 1, q - p - 1, StandardCharsets.UTF_8);
    }

    /** True when the {@code type} value is exactly {@code type}. */
    static boolean isType(byte[] b, int off, int len, int typeAt, byte[] quoted) {
        if (typeAt < 0 || typeAt + quoted.length > off + len) {
            return false;
        }
        for (int j = 0; j < quoted.length; j++) {
            if (b[typeAt + j] != quoted[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The number at the value of {@code key}, also when quoted (refs and texts start with digits),
     * or {@code missing}.
     */
    static long number(byte[] b, int off, int len, byte[] key, long missing) {
        int p = valueAt(b, off, len, key);
        if (p < 0) {
            return missing;
        }
        if (b[p] == '"') {
            p++;
        }
        long v = 0;
        int digits = 0;
        while (p < off + len && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p] - '0');
            p++;
            digits++;
        }
        return digits == 0 ? missing : v;
    }

    /**
     * The number at {@code key} among the outermost object's own fields (not inside an array or a
     * nested object: a {@code welcome}'s carried messages have a {@code seq} of their own, and the
     * server's field order is not fixed), or {@code missing}.
     */
    static long topLevelNumber(byte[] b, int off, int len, byte[] key, long missing) {
        int end = off + len;
        int depth = 0;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                if (depth == 1 && i + key.length <= end && regionEquals(b, i, key)) {
                    int p = i + key.length;
                    while (p < end && b[p] == ' ') {
                        p++;
                    }
                    if (p < end && b[p] == ':') {
                        return number(b, p - key.length, end - (p - key.length), key, missing);
                    }
                }
                i++;
                while (i < end && b[i] != '"') {
                    if (b[i] == '\\') {
                        i++;
                    }
                    i++;
                }
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return missing;
    }

    private static boolean regionEquals(byte[] b, int at, byte[] key) {
        for (int j = 0; j < key.length; j++) {
            if (b[at + j] != key[j]) {
                return false;
            }
        }
        return true;
    }

    static byte[] quoted(String s) {
        return ("\"" + s + "\"").getBytes(StandardCharsets.US_ASCII);
    }
}
