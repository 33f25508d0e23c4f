package io.switchboard.identity;

/** Who is on the other end: {@code user} is the id the contract names, {@code name} the display name. */
public record Identity(String user, String name) {
}
