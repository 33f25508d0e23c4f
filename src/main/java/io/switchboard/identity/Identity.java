package io.switchboard.identity;

import java.time.Instant;

/**
 * Who is on the other end: {@code user} is the id the contract names, {@code name} the display name,
 * {@code expires} when its proof runs out (a token's {@code exp}; null for guests), and {@code access}
 * the rooms and topics it may use.
 */
public record Identity(String user, String name, Instant expires, Access access) {

    public Identity {
        access = access == null ? Access.ALL : access;
    }

    /** An identity that never expires and may use every room and topic. */
    public Identity(String user, String name) {
        this(user, name, null, Access.ALL);
    }
}
