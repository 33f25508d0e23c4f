package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.transport.FrameDecoder;
import io.switchboard.transport.FrameEncoder;
import io.switchboard.transport.SwitchboardConfigurator;
import io.switchboard.transport.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** {@code /notifications}: thin; the logic is in {@link Notifications}. One instance per connection. */
@ServerEndpoint(value = "/notifications", decoders = FrameDecoder.class, encoders = FrameEncoder.class,
        configurator = SwitchboardConfigurator.class)
public final class NotificationEndpoint {

    private final Notifications notifications;
    private final Transport transport;
    private NotifyConnection connection;

    public NotificationEndpoint(Notifications notifications, Transport transport) {
        this.notifications = notifications;
        this.transport = transport;
    }

    @OnOpen
    public void open(Session session) {
        connection = transport.open(session, notifications::open);
    }

    @OnMessage(maxMessageSize = Limits.MESSAGE_BYTES_CEILING)
    public void message(ClientMessage message) {
        if (connection != null) {
            connection.receive(message);
        }
    }

    @OnMessage(maxMessageSize = Limits.MESSAGE_BYTES_CEILING)
    public void binary(ByteBuffer data) {
        transport.onBinary(connection);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (connection != null) {
            connection.heard();
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        transport.onError(session, connection, error);
    }

    @OnClose
    public void close(CloseReason reason) {
        if (connection != null) {
            connection.closed();
        }
    }
}
