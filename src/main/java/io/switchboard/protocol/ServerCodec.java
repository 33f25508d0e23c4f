package io.switchboard.protocol;

import jakarta.json.bind.Jsonb;

/** Server frames to JSON text. A broadcast calls {@link #encode} once and sends the text to every member. */
public final class ServerCodec {

    private final Jsonb jsonb;

    ServerCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    public String encode(ServerMessage message) {
        return jsonb.toJson(message);
    }

    /** For clients and tests: JSON text back to a server frame. */
    public ServerMessage decode(String json) {
        return jsonb.fromJson(json, ServerMessage.class);
    }
}
