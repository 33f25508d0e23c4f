package io.switchboard.protocol;

import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.Reader;
import java.util.Map;

/**
 * The one {@link Jsonb} both directions share. Creating a Jsonb is expensive and it is thread-safe,
 * so a server holds one of these for its whole life.
 */
public final class Codec implements AutoCloseable {

    /**
     * Looked up once: {@code Json.createParser} asks {@link JsonProvider#provider()}, which runs a
     * {@code ServiceLoader} scan on every call (half the server's CPU per frame in a profile). The
     * provider and the factories it makes are thread-safe.
     */
    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonParserFactory PARSERS = PROVIDER.createParserFactory(Map.of());

    private final Jsonb jsonb = JsonbBuilder.newBuilder().withProvider(PROVIDER)
            .withConfig(new JsonbConfig().withNullValues(false)).build();
    private final ClientCodec client = new ClientCodec();
    private final ServerCodec server = new ServerCodec(jsonb);

    public Codec() {
        warmUp();
    }

    /**
     * Decodes every client frame type and round-trips every server frame type once, so that the first
     * frames of a fresh server do not pay for JSON-B building its model of each record (hundreds of
     * milliseconds on a cold JVM). Paid at start instead: a frame that waits behind that work is
     * answered late, and a client pacing itself under the rate limit would then find its next frames
     * counted as arriving too close together. Best effort: a type that fails here fails for real later.
     */
    private void warmUp() {
        for (JsonbSubtype subtype : ClientMessage.class.getAnnotation(JsonbTypeInfo.class).value()) {
            try {
                client.decode("{\"type\":\"" + subtype.alias() + "\",\"ref\":\"warm-up\"}");
            } catch (FrameRejected | RuntimeException e) {
                // shows up on the first real frame of this type
            }
        }
        for (JsonbSubtype subtype : ServerMessage.class.getAnnotation(JsonbTypeInfo.class).value()) {
            warmUpServer("{\"type\":\"" + subtype.alias() + "\"}");
        }
        // The frames that nest others, with an item each: lists of records and a JSON object inside.
        String message = "{\"type\":\"message\",\"room\":\"r\",\"seq\":1,\"from\":\"u\",\"name\":\"u\",\"text\":\"t\",\"at\":\"a\"}";
        String notification = "{\"type\":\"notification\",\"id\":\"i\",\"seq\":1,\"title\":\"t\",\"body\":\"\",\"data\":{\"k\":[1]},\"at\":\"a\"}";
        warmUpServer("{\"type\":\"welcome\",\"members\":[\"u\"],\"messages\":[" + message + "],\"notifications\":[" + notification + "]}");
        warmUpServer("{\"type\":\"history\",\"messages\":[" + message + "]}");
        warmUpServer("{\"type\":\"subscribed\",\"notifications\":[" + notification + "]}");
    }

    private void warmUpServer(String json) {
        try {
            server.encode(server.decode(json));
        } catch (RuntimeException e) {
            // shows up on the first real frame of this type
        }
    }

    public ClientCodec client() {
        return client;
    }

    public ServerCodec server() {
        return server;
    }

    /**
     * Exactly one JSON value from {@code reader}, or null when the text is not that: invalid, with
     * text after the value, or nested deeper than the parser allows (Parsson's limit, so 100,000
     * '[' fail fast instead of overflowing the stack).
     */
    public static JsonValue readOne(Reader reader) {
        try (JsonParser parser = PARSERS.createParser(reader)) {
            parser.next();
            JsonValue value = parser.getValue();
            return parser.hasNext() ? null : value;
        } catch (RuntimeException e) {
            return null;
        }
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
