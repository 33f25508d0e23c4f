package io.switchboard.transport;

import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;

/**
 * The JSON-B encoder of server frames, for {@code sendObject}. The server's own sends go through a
 * {@link Peer} with text encoded once by {@link ServerCodec}, which is the same code.
 */
public final class FrameEncoder implements Encoder.Text<ServerMessage> {

    private ServerCodec codec;

    @Override
    public void init(EndpointConfig config) {
        this.codec = SwitchboardConfigurator.wiring().codec().server();
    }

    @Override
    public String encode(ServerMessage message) {
        return codec.encode(message);
    }
}
