package io.switchboard.transport;

import io.switchboard.protocol.ClientCodec;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.Utf16;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

/**
 * The JSON-B decoder of client frames. Its failures reach the endpoint's {@code onError} as a
 * {@link DecodeException} whose cause is a {@link FrameRejected} (an {@code error} frame) or a
 * {@link Refusal} (a close). It finds its server's codec and limit in the endpoint config.
 */
public final class FrameDecoder implements Decoder.Text<ClientMessage> {

    /** The user property under which {@link Endpoints} leaves the decoder its {@link Settings}. */
    static final String SETTINGS = FrameDecoder.class.getName() + ".settings";

    private ClientCodec codec;
    private int maxMessageBytes;

    /** What a decoder needs of its server. */
    record Settings(ClientCodec codec, int maxMessageBytes) {
    }

    @Override
    public void init(EndpointConfig config) {
        Settings settings = (Settings) config.getUserProperties().get(SETTINGS);
        this.codec = settings.codec();
        this.maxMessageBytes = settings.maxMessageBytes();
    }

    @Override
    public ClientMessage decode(String text) throws DecodeException {
        if (tooBig(text)) {
            throw new DecodeException("", "message too big",
                    new Refusal(CloseCode.TOO_BIG, "message over " + maxMessageBytes + " bytes"));
        }
        try {
            return codec.decode(text);
        } catch (FrameRejected e) {
            throw new DecodeException("", e.getMessage(), e);
        }
    }

    /** Counts UTF-8 bytes without encoding a copy. */
    private boolean tooBig(String text) {
        return Utf16.utf8LongerThan(text, maxMessageBytes);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
