package io.switchboard.notify;

import io.switchboard.channel.Names;
import io.switchboard.http.ApiResponse;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.identity.OriginPolicy;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.Refusal;
import io.switchboard.transport.EventSink;
import io.switchboard.transport.EventStreamPeer;
import io.switchboard.transport.SecurityLog;
import io.switchboard.transport.Transport;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event-stream fallback for notifications (protocol section 12), one implementation for the
 * Grizzly handler and the servlets:
 * <ul>
 *   <li>{@code GET BASE/api/notifications/stream}: checks in the WebSocket's order, each answered in
 *       HTTP before anything is streamed (origin 403, the address's handshake rate 429, identity 401,
 *       the user's handshake rate 429, a topic name 400, a topic not allowed 403, too many topics
 *       403, too many connections for the user, the address or the server 429), then the stream;</li>
 *   <li>{@code POST BASE/api/notifications/read}: {@code {"seq": N}}, as the {@code read} frame.</li>
 * </ul>
 * Recovery: the {@code Last-Event-ID} header ({@code <epoch>:<seq>}), or the {@code lastEventId}
 * query parameter (our extension: a new {@code EventSource} cannot set the header), recovers as
 * {@code since} and {@code epoch} do.
 */
public final class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class.getName());
    /** The endpoint's name, as in {@code switchboard_connections{endpoint="events"}}. */
    public static final String ENDPOINT = "events";
    public static final String STREAM_PATH = "/api/notifications/stream";
    public static final String READ_PATH = "/api/notifications/read";
    /** A {@code {"seq": N}} body needs a few bytes; adapters read at most one byte more than this. */
    public static final int MAX_READ_BODY_BYTES = 1024;

    private final Notifications notifications;
    private final Transport transport;
    private final OriginPolicy origins;
    private final Codec codec;

    public EventStreams(Notifications notifications, Transport transport, OriginPolicy origins, Codec codec) {
        this.notifications = notifications;
        this.transport = transport;
        this.origins = origins;
        this.codec = codec;
    }

    /** The answer of {@code POST …/read}. */
    public record ReadBody(long count, long readUpTo) {
    }

    /**
     * {@code GET …/stream}: null once the stream has started on {@code sink} (its status and headers
     * are sent by {@link EventSink#start}), else the HTTP answer, with nothing streamed.
     */
    public ApiResponse open(Handshake handshake, EventSink sink) {
        ApiResponse refused = refuseRequest(handshake);
        if (refused != null) {
            return refused;
        }
        List<String> topics = topics(handshake.parameter("topics"));
        Recovery recovery = Recovery.of(handshake);
        EventStreamPeer peer = transport.streamPeer(sink, handshake.remoteAddress());
        try {
            transport.openStream(peer, handshake, (opened, identity, request) -> {
                checkTopics(identity, topics);
                StreamConnection connection = StreamConnection.over(peer, identity, notifications);
                notifications.connections().admit(connection);
                try {
                    sink.start();
                } catch (RuntimeException e) {
                    connection.closed();
                    throw e;
                }
                connection.start(recovery.since(), recovery.epoch(), topics);
                return connection;
            });
            return null;
        } catch (Refusal refusal) {
            return answer(refusal);
        }
    }

    /**
     * {@code POST …/read} with {@code body} (at most {@link #MAX_READ_BODY_BYTES} + 1 bytes): marks
     * the inbox read as the {@code read} frame does; every connection of the user gets {@code
     * unread}, and the answer is {@code 200 {"count", "readUpTo"}}.
     */
    public CompletableFuture<ApiResponse> read(Handshake handshake, byte[] body) {
        ApiResponse refused = refuseRequest(handshake);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Identity identity;
        try {
            identity = transport.identify(handshake);
        } catch (Refusal refusal) {
            return CompletableFuture.completedFuture(answer(refusal));
        }
        if (body.length > MAX_READ_BODY_BYTES) {
            return CompletableFuture.completedFuture(
                    ApiResponse.error(413, "too_large", "the body is larger than " + MAX_READ_BODY_BYTES + " bytes", codec::json));
        }
        JsonValue value = Codec.readOne(new InputStreamReader(new ByteArrayInputStream(body),
                StandardCharsets.UTF_8.newDecoder()));
        if (!(value instanceof JsonObject request)) {
            return CompletableFuture.completedFuture(ApiResponse.error(400, "bad_json", "send {\"seq\": N}", codec::json));
        }
        Long seq = seq(request.get("seq"));
        if (seq == null) {
            return CompletableFuture.completedFuture(invalid("'seq' must be an integer, 0 or more"));
        }
        Inbox inbox = notifications.inbox(identity.user());
        CompletableFuture<ApiResponse> answer;
        try {
            answer = inbox.read(seq).handle((unread, error) -> {
                if (error != null) {
                    LOG.log(Level.FINE, "read of " + identity.user() + " failed", error);
                    return ApiResponse.error(503, "unavailable", "not marked read: retry", codec::json);
                }
                return ApiResponse.of(200, codec.json(new ReadBody(unread.count(), unread.readUpTo())));
            });
        } catch (RuntimeException e) {
            notifications.release(inbox);
            throw e;
        }
        return answer.whenComplete((done, error) -> notifications.release(inbox));
    }

    private static Long seq(JsonValue value) {
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            return null;
        }
        try {
            long seq = number.longValueExact();
            return seq >= 0 ? seq : null;
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** What applies before identity, as at a WebSocket handshake: the origin (403), the address's handshake rate (429). */
    private ApiResponse refuseRequest(Handshake handshake) {
        // Every request counts against its address's rate, refused ones too, as handshakes do.
        boolean withinRate = transport.admission().handshakeFromAddress(handshake.remoteAddress());
        String origin = handshake.header("Origin");
        if (!origins.allows(origin, handshake.header("Host"))) {
            SecurityLog.event("origin", handshake.remoteAddress(), null, "refused event-stream request from origin " + origin);
            return ApiResponse.error(403, "forbidden", "origin not allowed", codec::json);
        }
        if (!withinRate) {
            SecurityLog.event("limit", handshake.remoteAddress(), null, "too many requests from this address");
            return ApiResponse.error(429, "rate_limited", "too many requests from this address: try again later", codec::json);
        }
        return null;
    }

    /** {@code ?topics=a,b}: the names in order, each once; empty entries are ignored. Checked later, after identity. */
    private static List<String> topics(String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : parameter.split(",", -1)) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new ArrayList<>(names);
    }

    private void checkTopics(Identity identity, List<String> topics) {
        for (String topic : topics) {
            if (!Names.isChannel(topic)) {
                throw new Refusal(CloseCode.INVALID_NAME, "invalid topic name");
            }
        }
        for (String topic : topics) {
            if (!identity.access().maySubscribe(topic)) {
                throw new Refusal(CloseCode.FORBIDDEN, "this user may not subscribe to topic " + topic);
            }
        }
        int max = notifications.limits().maxTopicsPerConnection();
        if (topics.size() > max) {
            throw new Refusal(CloseCode.FORBIDDEN, "at most " + max + " topics per stream");
        }
    }

    /** The HTTP answer for what a WebSocket would have been closed with. */
    private ApiResponse answer(Refusal refusal) {
        return switch (refusal.code()) {
            case UNAUTHENTICATED, TOKEN_EXPIRED -> ApiResponse.of(401, "");
            case FORBIDDEN -> ApiResponse.error(403, "forbidden", refusal.reason(), codec::json);
            case INVALID_NAME -> invalid(refusal.reason());
            case POLICY, TOO_SLOW -> ApiResponse.error(429, "rate_limited", refusal.reason(), codec::json);
            default -> ApiResponse.error(503, "unavailable", refusal.reason(), codec::json);
        };
    }

    private ApiResponse invalid(String message) {
        return ApiResponse.error(400, "invalid", message, codec::json);
    }

    /** Where a request asks to recover from: {@code since} and {@code epoch}, both null without one. */
    record Recovery(Long since, String epoch) {

        /**
         * {@code Last-Event-ID: <epoch>:<seq>} (epochs never contain {@code :}), else {@code
         * ?lastEventId=}. A malformed one is still a request to recover: as a malformed {@code since},
         * it recovers nothing and the welcome says {@code recovered: false}.
         */
        static Recovery of(Handshake handshake) {
            String id = handshake.header("Last-Event-ID");
            if (id == null || id.isBlank()) {
                id = handshake.parameter("lastEventId");
            }
            if (id == null || id.isBlank()) {
                return new Recovery(null, null);
            }
            int colon = id.indexOf(':');
            if (colon < 0) {
                return new Recovery(-1L, null);
            }
            try {
                return new Recovery(Long.parseLong(id.substring(colon + 1).trim()), id.substring(0, colon).trim());
            } catch (NumberFormatException e) {
                return new Recovery(-1L, id.substring(0, colon).trim());
            }
        }
    }
}
