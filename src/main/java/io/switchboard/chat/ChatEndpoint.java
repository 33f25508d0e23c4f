package io.switchboard.chat;

import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.Metrics;
import io.switchboard.transport.Connection;
import io.switchboard.transport.Peer;
import io.switchboard.transport.SwitchboardEndpoint;
import io.switchboard.transport.Transport;
import jakarta.websocket.Session;

/** {@code /chat/{room}}: thin; the room logic is in {@link Room}. One instance per connection. */
public final class ChatEndpoint extends SwitchboardEndpoint {

    public static final String PATH = "/chat/{room}";

    private final Chat chat;

    public ChatEndpoint(Chat chat, Transport transport) {
        super(transport);
        this.chat = chat;
    }

    @Override
    protected Connection open(Peer peer, Identity identity, Handshake handshake, Session session) {
        return chat.open(peer, identity, session.getPathParameters().get("room"), handshake);
    }

    @Override
    protected Metrics.Endpoint endpoint() {
        return Metrics.Endpoint.CHAT;
    }
}
