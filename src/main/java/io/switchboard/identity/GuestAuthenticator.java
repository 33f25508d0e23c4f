package io.switchboard.identity;

import io.switchboard.channel.Names;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;

/**
 * {@code auth=dev}: {@code ?user=NAME} is taken as the identity, unproven (protocol section 2).
 * Guests are served only from this machine: the standalone server binds loopback in this mode,
 * and in a container, whose listener we do not choose, a known non-loopback peer is refused.
 */
public final class GuestAuthenticator implements Authenticator {

    private final Access access;

    public GuestAuthenticator() {
        this(Access.ALL);
    }

    /** Guests get the configured default rooms and topics. */
    public GuestAuthenticator(Access access) {
        this.access = access;
    }

    @Override
    public Identity authenticate(Handshake handshake) {
        if (!isLocal(handshake.remoteAddress())) {
            throw new Refusal(CloseCode.UNAUTHENTICATED, "guest mode serves only this machine: use tokens");
        }
        String user = handshake.parameter("user");
        if (!Names.isUser(user)) {
            throw new Refusal(CloseCode.UNAUTHENTICATED, "missing or invalid user");
        }
        return new Identity(user, user, null, access);
    }

    /**
     * An IP literal as containers report it; no name lookup. An address the container did not give
     * ({@value Handshake#UNKNOWN_ADDRESS}) is not known to be local, so it is refused: Tyrus tells the
     * address both standalone (Grizzly) and in a servlet container, so only a container that hides it
     * meets this, and there guests cannot be told from the network.
     */
    static boolean isLocal(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return a.startsWith("127.") || a.startsWith("::ffff:127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1");
    }
}
