package io.switchboard.identity;

import io.switchboard.channel.Names;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;

/** {@code auth=dev}: {@code ?user=NAME} is taken as the identity, unproven (protocol section 2). */
public final class GuestAuthenticator implements Authenticator {

    @Override
    public Identity authenticate(Handshake handshake) {
        String user = handshake.parameter("user");
        if (!Names.isUser(user)) {
            throw new Refusal(CloseCode.UNAUTHENTICATED, "missing or invalid user");
        }
        return new Identity(user, user);
    }
}
