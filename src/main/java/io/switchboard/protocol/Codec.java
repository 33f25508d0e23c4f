package io.switchboard.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/**
 * The one {@link Jsonb} both directions share. Creating a Jsonb is expensive and it is thread-safe,
 * so a server holds one of these for its whole life.
 */
public final class Codec implements AutoCloseable {

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    private final ClientCodec client = new ClientCodec(jsonb);
    private final ServerCodec server = new ServerCodec(jsonb);

    public ClientCodec client() {
        return client;
    }

    public ServerCodec server() {
        return server;
    }

    /** Any other JSON the server writes, such as HTTP API bodies. */
    public String json(Object value) {
        return jsonb.toJson(value);
    }

    /** The codec of this class loader: the container makes decoders and encoders itself, and they share it. */
    public static Codec standard() {
        return Standard.CODEC;
    }

    private static final class Standard {
        static final Codec CODEC = new Codec();
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
