package io.switchboard.chat;

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
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** {@code /chat/{room}}: thin; the room logic is in {@link Room}. One instance per connection. */
@ServerEndpoint(value = "/chat/{room}", decoders = FrameDecoder.class, encoders = FrameEncoder.class,
        configurator = SwitchboardConfigurator.class)
public final class ChatEndpoint {

    private final Chat chat;
    private final Transport transport;
    private ChatConnection connection;

    public ChatEndpoint(Chat chat, Transport transport) {
        this.chat = chat;
        this.transport = transport;
    }

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        connection = transport.open(session, (peer, identity, handshake) -> chat.open(peer, identity, room, handshake));
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
