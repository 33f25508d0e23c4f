package io.switchboard.identity;

import io.switchboard.channel.Names;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;

/** {@code auth=dev}: {@code ?user=NAME} is taken as the identity, unproven (protocol section 2). */
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
        String user = handshake.parameter("user");
        if (!Names.isUser(user)) {
            throw new Refusal(CloseCode.UNAUTHENTICATED, "missing or invalid user");
        }
        return new Identity(user, user, null, access);
    }
}
