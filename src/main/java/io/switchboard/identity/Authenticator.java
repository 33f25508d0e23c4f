package io.switchboard.identity;

import io.switchboard.protocol.Refusal;

/** Turns a handshake into an identity: the one seam every identity mode fills in. */
@FunctionalInterface
public interface Authenticator {

    /**
     * @throws Refusal with 4500 (or 4001 for an expired token) when the handshake proves no identity
     */
    Identity authenticate(Handshake handshake);
}
