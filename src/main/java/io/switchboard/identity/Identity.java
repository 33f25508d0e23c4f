package io.switchboard.identity;

import io.switchboard.protocol.Utf16;
import java.time.Instant;

/**
 * Who is on the other end: {@code user} is the id the contract names, {@code name} the display name,
 * {@code expires} when its proof runs out (a token's {@code exp}; null for guests), and {@code access}
 * the rooms and topics it may use.
 *
 * <p>The display name reaches every member of a room in each {@code message}, so it is checked here,
 * whoever built the identity: trimmed, and it must be well-formed UTF-16 (a lone surrogate has no
 * UTF-8 form and would fail every send that carries it), free of control, separator and bidi
 * characters, and at most {@value #MAX_NAME_CODE_POINTS} code points. A name that is not falls back
 * to the user id rather than refusing the connection (4500): the token is correctly signed, its
 * {@code sub} is valid, and the name is cosmetic; the contract already shows the user id when there
 * is no name, and refusing would lock out a user over a field they often cannot change.
 */
public record Identity(String user, String name, Instant expires, Access access) {

    public static final int MAX_NAME_CODE_POINTS = 64;

    public Identity {
        access = access == null ? Access.ALL : access;
        name = displayName(name, user);
    }

    /** An identity that never expires and may use every room and topic. */
    public Identity(String user, String name) {
        this(user, name, null, Access.ALL);
    }

    /** {@code name} trimmed when it is fit to show, else {@code user}. */
    static String displayName(String name, String user) {
        if (name == null) {
            return user;
        }
        String trimmed = name.strip();
        if (trimmed.isEmpty() || Utf16.hasControlsOrLoneSurrogates(trimmed)
                || trimmed.codePointCount(0, trimmed.length()) > MAX_NAME_CODE_POINTS) {
            return user;
        }
        return trimmed;
    }
}
