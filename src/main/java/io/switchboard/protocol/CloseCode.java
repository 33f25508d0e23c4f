package io.switchboard.protocol;

/**
 * Every close code the server uses (protocol section 4), with whether a client may reconnect.
 * The browser client mirrors this table in {@code close-codes.js}; a test keeps the two equal.
 */
public enum CloseCode {
    /** Normal closure. */
    NORMAL(1000, "normal", false),
    /** The server is shutting down or restarting. */
    GOING_AWAY(1001, "going_away", true),
    /** A binary frame on a text-only endpoint. */
    BINARY_UNSUPPORTED(1003, "binary_unsupported", false),
    /** Text that is not valid UTF-8. */
    INVALID_UTF8(1007, "invalid_utf8", false),
    /** Kept flooding after {@code rate_limited}, or too many connections for this user. */
    POLICY(1008, "policy", false),
    /** A message over the size limit. */
    TOO_BIG(1009, "too_big", false),
    /** Internal error; reconnect with backoff. */
    INTERNAL_ERROR(1011, "internal_error", true),
    /** The connection's outgoing queue passed its limit; reconnect and recover with {@code since}. */
    TOO_SLOW(1013, "too_slow", true),
    /** The server asks the client to reconnect. */
    RECONNECT(4000, "reconnect", true),
    /** The token expired; reconnect with a fresh one. */
    TOKEN_EXPIRED(4001, "token_expired", true),
    /** Not authenticated. */
    UNAUTHENTICATED(4500, "unauthenticated", false),
    /** Forbidden. */
    FORBIDDEN(4501, "forbidden", false),
    /** An invalid room or topic name. */
    INVALID_NAME(4502, "invalid_name", false);

    private final int code;
    private final String label;
    private final boolean reconnect;

    CloseCode(int code, String label, boolean reconnect) {
        this.code = code;
        this.label = label;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    /** The lower-case name shared with the JavaScript table. */
    public String label() {
        return label;
    }

    public boolean mayReconnect() {
        return reconnect;
    }
}
