package io.switchboard.standalone;

import static io.switchboard.standalone.PublishApiStandaloneTest.assertBadRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /health} and {@code GET /api/rooms/{room}/messages} (sections 1, 3.3 and 7). */
class HttpApiStandaloneTest {

    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
        try (WsRecorder writer = server.chat("paged-room", "ann")) {
            for (int i = 1; i <= 7; i++) {
                writer.send("{\"type\":\"say\",\"text\":\"m" + i + "\"}");
            }
            writer.await(Ack.class, ack -> ack.seq() == 7);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> response = server.get("/health", Map.of());
        assertEquals(200, response.statusCode());
        assertEquals(Json.createObjectBuilder().add("status", "UP").build(), json(response));
    }

    @Test
    void roomMessagesNeedThePublishKey() {
        assertEquals(401, server.get("/api/rooms/paged-room/messages", Map.of()).statusCode());
        assertEquals(401, server.get("/api/rooms/paged-room/messages", Map.of("Authorization", "Bearer wrong")).statusCode());
        assertEquals(401, server.get("/api/rooms/Invalid/messages?limit=0", Map.of()).statusCode(), "401 before 400");
    }

    @Test
    void aRoomWithNoMessagesAnswers200WithNone() {
        HttpResponse<String> response = server.getWithKey("/api/rooms/never-used/messages");
        assertEquals(200, response.statusCode());
        JsonObject body = json(response);
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, body.getJsonArray("messages"));
        assertFalse(body.getBoolean("more"));
    }

    @Test
    void roomMessagesPageBackwardsLikeHistory() {
        JsonObject latest = json(ok(server.getWithKey("/api/rooms/paged-room/messages?limit=3")));
        assertEquals(List.of(5, 6, 7), seqs(latest.getJsonArray("messages")));
        assertTrue(latest.getBoolean("more"));
        JsonObject item = latest.getJsonArray("messages").getJsonObject(0);
        assertEquals("paged-room", item.getString("room"));
        assertEquals("ann", item.getString("from"));
        assertEquals("ann", item.getString("name"));
        assertEquals("m5", item.getString("text"));
        assertTrue(item.containsKey("at"));

        JsonObject older = json(ok(server.getWithKey("/api/rooms/paged-room/messages?before=5&limit=3")));
        assertEquals(List.of(2, 3, 4), seqs(older.getJsonArray("messages")));
        assertTrue(older.getBoolean("more"));

        JsonObject oldest = json(ok(server.getWithKey("/api/rooms/paged-room/messages?before=2")));
        assertEquals(List.of(1), seqs(oldest.getJsonArray("messages")));
        assertFalse(oldest.getBoolean("more"));

        JsonObject all = json(ok(server.getWithKey("/api/rooms/paged-room/messages")));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), seqs(all.getJsonArray("messages")));
        assertFalse(all.getBoolean("more"));
    }

    @Test
    void anInvalidRoomNameOrParameterIs400() {
        assertBadRequest("invalid", server.getWithKey("/api/rooms/Upper/messages"), "Upper");
        assertBadRequest("invalid", server.getWithKey("/api/rooms/-x/messages"), "-x");
        for (String query : List.of("limit=0", "limit=101", "limit=abc", "before=x", "before=0", "before=-3", "limit=1.5")) {
            assertBadRequest("invalid", server.getWithKey("/api/rooms/paged-room/messages?" + query), query);
        }
        assertEquals(200, server.getWithKey("/api/rooms/paged-room/messages?limit=100").statusCode());
        assertEquals(200, server.getWithKey("/api/rooms/paged-room/messages?limit=1&before=1").statusCode());
    }

    @Test
    void anUnknownHttpPathIs404() {
        assertEquals(404, server.get("/api/nothing", Map.of()).statusCode());
        assertEquals(404, server.getWithKey("/api/rooms/paged-room").statusCode());
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        return response;
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static List<Integer> seqs(JsonArray messages) {
        return messages.stream().map(m -> m.asJsonObject().getInt("seq")).toList();
    }
}
