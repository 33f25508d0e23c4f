package io.switchboard.transport;

import io.switchboard.protocol.ClientCodec;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * How a server registers an endpoint: programmatically, with its own configurator instance and the
 * JSON-B decoder, so that each server's endpoints reach that server's services and nothing is static.
 */
public final class Endpoints {

    private Endpoints() {
    }

    public static ServerEndpointConfig config(Class<? extends Endpoint> type, String path,
                                              SwitchboardConfigurator configurator, ClientCodec codec, int maxMessageBytes) {
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(type, path)
                .configurator(configurator)
                .decoders(List.of(FrameDecoder.class))
                .build();
        config.getUserProperties().put(FrameDecoder.SETTINGS, new FrameDecoder.Settings(codec, maxMessageBytes));
        return config;
    }
}
