package io.switchboard.notify;

import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.Metrics;
import io.switchboard.transport.Connection;
import io.switchboard.transport.Peer;
import io.switchboard.transport.SwitchboardEndpoint;
import io.switchboard.transport.Transport;
import jakarta.websocket.Session;

/** {@code /notifications}: thin; the logic is in {@link Notifications}. One instance per connection. */
public final class NotificationEndpoint extends SwitchboardEndpoint {

    public static final String PATH = "/notifications";

    private final Notifications notifications;

    public NotificationEndpoint(Notifications notifications, Transport transport) {
        super(transport);
        this.notifications = notifications;
    }

    @Override
    protected Connection open(Peer peer, Identity identity, Handshake handshake, Session session) {
        return notifications.open(peer, identity, handshake);
    }

    @Override
    protected Metrics.Endpoint endpoint() {
        return Metrics.Endpoint.NOTIFICATIONS;
    }
}
