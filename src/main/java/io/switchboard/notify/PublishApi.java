package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.channel.Names;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Failures;
import io.switchboard.channel.PublishIds;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.PublishKey;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.Utf16;
import io.switchboard.transport.RateLimiter;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.UUID;

/**
 * {@code POST /api/notifications} (protocol section 3.3): one implementation for the servlet and the
 * Grizzly handler. Checks run in the contract's order: 401, 415, 429, 413, 400.
 */
public final class PublishApi {

    /** Larger bodies get 413; adapters read at most one byte more than this. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_TITLE = 200;
    static final int MAX_BODY_TEXT = 4000;
    static final int MAX_DATA_BYTES = 16 * 1024;
    static final int MAX_ID = 64;

    private final Notifications notifications;
    private final PublishKey key;
    private final Codec codec;
    private final RateLimiter rate;
    private final PublishIds ids;

    public PublishApi(Notifications notifications, PublishIds ids, PublishKey key, Codec codec, Limits limits) {
        this.notifications = notifications;
        this.ids = ids;
        this.key = key;
        this.codec = codec;
        this.rate = new RateLimiter(limits.publishesPerSecond(), limits.publishBurst());
    }

    public record Accepted(String id, long seq, int delivered) {
    }

    /** {@code body} holds at most {@link #MAX_BODY_BYTES} + 1 bytes: one more means too large. */
    public ApiResponse post(String authorization, String contentType, byte[] body) {
        long received = System.nanoTime();
        if (!key.matches(authorization)) {
            return ApiResponse.of(401, "");
        }
        if (!isJson(contentType)) {
            return ApiResponse.error(415, "unsupported_media_type", "send application/json", codec::json);
        }
        if (!rate.tryAcquire()) {
            return ApiResponse.error(429, "rate_limited", "slow down: over the publish rate limit", codec::json);
        }
        if (body.length > MAX_BODY_BYTES) {
            return ApiResponse.error(413, "too_large", "the body is larger than 64 KiB", codec::json);
        }
        // A strict decoder: invalid UTF-8 is bad JSON, not silently replaced.
        JsonValue value = Codec.readOne(
                new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8.newDecoder()));
        if (value == null) {
            return badRequest("bad_json", "the body is not valid JSON");
        }
        if (!(value instanceof JsonObject request)) {
            return badRequest("bad_json", "the body must be a JSON object");
        }
        try {
            return publish(request, received);
        } catch (Invalid e) {
            return badRequest("invalid", e.getMessage());
        }
    }

    private ApiResponse publish(JsonObject request, long received) throws Invalid {
        String user = optionalString(request, "user", 64);
        String topic = optionalString(request, "topic", 64);
        if ((user == null) == (topic == null)) {
            throw new Invalid("name exactly one of 'user' and 'topic'");
        }
        if (user != null && !Names.isUser(user)) {
            throw new Invalid("invalid 'user'");
        }
        if (topic != null && !Names.isChannel(topic)) {
            throw new Invalid("invalid 'topic'");
        }
        String title = optionalString(request, "title", MAX_TITLE);
        if (title == null || title.isEmpty()) {
            throw new Invalid("'title' is required (1 to 200 characters)");
        }
        String text = optionalString(request, "body", MAX_BODY_TEXT);
        JsonObject data = data(request);
        String id = optionalString(request, "id", MAX_ID);
        if (id != null && id.isEmpty()) {
            throw new Invalid("'id' must not be empty");
        }
        Notifications.Draft draft = new Notifications.Draft(id == null ? UUID.randomUUID().toString() : id,
                title, text == null ? "" : text, data, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        try {
            return answer(draft, user, topic, received).join();
        } catch (RuntimeException e) {
            if (Failures.isUnavailable(e)) {
                return ApiResponse.unavailable("not stored now: retry with the same id", codec::json);
            }
            throw e;
        }
    }

    /**
     * The first answer for the draft's id, or a new publish. The id is claimed first and no lock is
     * held while the notification is stored and sent; a failed store gives the id up for a retry.
     */
    private CompletableFuture<ApiResponse> answer(Notifications.Draft draft, String user, String topic, long received) {
        return ids.claim(draft.id()).thenCompose(first -> {
            if (first != null) {
                return CompletableFuture.completedFuture(ApiResponse.of(200, first));
            }
            CompletableFuture<Channel.Published<Notification>> published = user != null
                    ? notifications.publishToUser(user, draft, received)
                    : notifications.publishToTopic(topic, draft, received);
            return published.handle((done, error) -> {
                if (error != null) {
                    ids.abandon(draft.id());
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                }
                return done;
            }).thenCompose(done -> {
                String answer = codec.json(new Accepted(draft.id(), done.item().seq(), done.delivered()));
                // Answered once the answer is kept too (section 8): a retry after a crash finds it. If
                // only that write failed, the item is stored all the same: still 202.
                return ids.complete(draft.id(), answer)
                        .handle((kept, failed) -> ApiResponse.of(done.duplicate() ? 200 : 202, answer));
            });
        });
    }

    private static JsonObject data(JsonObject request) throws Invalid {
        JsonValue data = request.get("data");
        if (data == null || data == JsonValue.NULL) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (!(data instanceof JsonObject object)) {
            throw new Invalid("'data' must be an object");
        }
        String json = object.toString();
        if (!Utf16.isWellFormed(json)) {
            throw new Invalid("'data' holds a lone surrogate");
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
            throw new Invalid("'data' is larger than 16 KiB");
        }
        return object;
    }

    /** A string field of at most {@code max} code points, or null when absent. */
    private static String optionalString(JsonObject request, String name, int max) throws Invalid {
        JsonValue value = request.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new Invalid("'" + name + "' must be a string");
        }
        String s = string.getString();
        if (!Utf16.isWellFormed(s)) {
            throw new Invalid("'" + name + "' holds a lone surrogate");
        }
        if (s.codePointCount(0, s.length()) > max) {
            throw new Invalid("'" + name + "' is longer than " + max + " characters");
        }
        return s;
    }

    private ApiResponse badRequest(String code, String message) {
        return ApiResponse.error(400, code, message, codec::json);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim();
        return mediaType.equalsIgnoreCase("application/json");
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
