package io.switchboard.protocol;

import java.util.Locale;

/** The codes of an {@code error} frame (protocol section 4): the frame was wrong, the connection lives. */
public enum ErrorCode {
    /** Not a JSON object. */
    BAD_JSON,
    /** A {@code type} this endpoint does not know. */
    UNKNOWN_TYPE,
    /** A field missing, of the wrong kind, or out of range. */
    INVALID,
    /** Over the connection's rate limit. */
    RATE_LIMITED,
    /** Not allowed, such as a topic this user may not subscribe to. */
    FORBIDDEN,
    /** The store cannot take it now (unreachable, or full): nothing was stored; retry with the same {@code ref}. */
    UNAVAILABLE;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }
}
