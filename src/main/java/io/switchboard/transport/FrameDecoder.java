package io.switchboard.transport;

import io.switchboard.protocol.ClientCodec;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.Refusal;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import java.nio.charset.StandardCharsets;

/**
 * The JSON-B decoder of client frames. Its failures reach {@code @OnError} as a {@link DecodeException}
 * whose cause is a {@link FrameRejected} (an {@code error} frame) or a {@link Refusal} (a close).
 */
public final class FrameDecoder implements Decoder.Text<ClientMessage> {

    private ClientCodec codec;
    private int maxMessageBytes;

    @Override
    public void init(EndpointConfig config) {
        Wiring wiring = SwitchboardConfigurator.wiring();
        this.codec = wiring.codec().client();
        this.maxMessageBytes = wiring.limits().maxMessageBytes();
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

    private boolean tooBig(String text) {
        // Cheap test first: a UTF-16 unit is at most 3 bytes of UTF-8.
        return (long) text.length() * 3 > maxMessageBytes
                && text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes;
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
