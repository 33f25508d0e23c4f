package io.switchboard.standalone;

import static io.switchboard.standalone.NotificationsStandaloneTest.accepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Notification;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/notifications} (section 3.3 and 7): every status but 429 (see {@link
 * PublishRateStandaloneTest}), the 400 body, and the check order 401, 415, 413, 400. Requests go
 * through the JDK's HttpClient, which offers an h2c upgrade on every request, as many clients do.
 */
class PublishApiStandaloneTest {

    static final Map<String, String> JSON = Map.of("Authorization", "Bearer " + RunningServer.KEY,
            "Content-Type", "application/json");

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.maxPublishIds", "3"));

    @Test
    void aStoredNotificationIsAnswered202WithIdSeqAndDelivered() {
        JsonObject first = accepted(server.publish("{\"user\":\"numbered\",\"title\":\"one\"}"));
        assertEquals(1, first.getInt("seq"));
        assertEquals(0, first.getInt("delivered"));
        assertFalse(first.getString("id").isBlank());
        JsonObject second = accepted(server.publish("{\"user\":\"numbered\",\"title\":\"two\"}"));
        assertEquals(2, second.getInt("seq"), "each inbox numbers its own notifications");
        assertEquals(1, accepted(server.publish("{\"topic\":\"numbered\",\"title\":\"topic\"}")).getInt("seq"),
                "a topic is a log of its own, even with a user's name");
    }

    @Test
    void charsetParametersAreStillJson() {
        HttpResponse<String> response = server.post("/api/notifications", "{\"user\":\"ann\",\"title\":\"cs\"}",
                Map.of("Authorization", "Bearer " + RunningServer.KEY, "Content-Type", "Application/JSON; charset=utf-8"));
        assertEquals(202, response.statusCode(), response::body);
    }

    @Test
    void anIdSeenBeforeIsAnswered200WithTheSameBodyAndPublishesNothing() {
        try (WsRecorder bo = server.notifications("bo")) {
            HttpResponse<String> first = server.publish("{\"user\":\"bo\",\"title\":\"once\",\"id\":\"dup-1\"}");
            assertEquals(202, first.statusCode());
            bo.expect(Notification.class);

            HttpResponse<String> again = server.publish("{\"user\":\"bo\",\"title\":\"once\",\"id\":\"dup-1\"}");
            assertEquals(200, again.statusCode());
            assertEquals(first.body(), again.body());
            bo.expectNothingPending();

            // One namespace per server: the same id to another audience is still a replay.
            HttpResponse<String> elsewhere = server.publish("{\"topic\":\"other\",\"title\":\"x\",\"id\":\"dup-1\"}");
            assertEquals(200, elsewhere.statusCode());
            assertEquals(first.body(), elsewhere.body());
            bo.expectNothingPending();
        }
    }

    @Test
    void idempotencyIdsAreBoundedAndTheOldestIsForgottenFirst() {
        JsonObject first = accepted(server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"old\"}"));
        for (String id : List.of("b", "c")) {
            accepted(server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"" + id + "\"}"));
        }
        assertEquals(200, server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"old\"}").statusCode(),
                "3 ids are remembered");
        accepted(server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"d\"}"));
        JsonObject again = accepted(server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"old\"}"));
        assertEquals(first.getInt("seq") + 4, again.getInt("seq"), "the oldest id was forgotten: published again");
        assertEquals(200, server.publish("{\"user\":\"cy\",\"title\":\"t\",\"id\":\"d\"}").statusCode());
    }

    @Test
    void malformedJsonIs400BadJson() {
        for (String body : List.of("not json", "{\"user\":", "[1,2]", "\"x\"", "")) {
            assertBadRequest("bad_json", server.publish(body), body);
        }
    }

    @Test
    void aMissingOrInvalidFieldIs400Invalid() {
        String data17k = "{\"k\":\"" + "x".repeat(17 * 1024) + "\"}";
        for (String body : List.of(
                "{\"title\":\"no audience\"}",
                "{\"user\":\"ann\",\"topic\":\"both\",\"title\":\"t\"}",
                "{\"user\":\"ann\"}",
                "{\"user\":\"ann\",\"title\":\"\"}",
                "{\"user\":\"ann\",\"title\":\"" + "t".repeat(201) + "\"}",
                "{\"user\":\"ann\",\"title\":5}",
                "{\"user\":\"bad name\",\"title\":\"t\"}",
                "{\"topic\":\"Upper\",\"title\":\"t\"}",
                "{\"user\":\"ann\",\"title\":\"t\",\"body\":\"" + "b".repeat(4001) + "\"}",
                "{\"user\":\"ann\",\"title\":\"t\",\"data\":[1]}",
                "{\"user\":\"ann\",\"title\":\"t\",\"data\":\"x\"}",
                "{\"user\":\"ann\",\"title\":\"t\",\"data\":" + data17k + "}",
                "{\"user\":\"ann\",\"title\":\"t\",\"id\":\"" + "i".repeat(65) + "\"}",
                "{\"user\":\"ann\",\"title\":\"t\",\"id\":7}")) {
            assertBadRequest("invalid", server.publish(body), body.length() > 80 ? body.substring(0, 80) : body);
        }
    }

    @Test
    void fieldsAtTheirLimitsAreAccepted() {
        String title = "\uD83D\uDE00".repeat(200); // 200 code points
        String body = "b".repeat(4000);
        String id = "i".repeat(64);
        HttpResponse<String> response = server.publish("{\"user\":\"ann\",\"title\":\"" + title + "\",\"body\":\"" + body
                + "\",\"id\":\"" + id + "\",\"data\":{\"k\":\"" + "x".repeat(16 * 1024 - 10) + "\"}}");
        assertEquals(202, response.statusCode(), response::body);
    }

    @Test
    void noKeyOrAWrongKeyIs401() {
        String body = "{\"user\":\"ann\",\"title\":\"t\"}";
        assertEquals(401, server.post("/api/notifications", body, Map.of("Content-Type", "application/json")).statusCode());
        assertEquals(401, server.post("/api/notifications", body,
                Map.of("Authorization", "Bearer wrong", "Content-Type", "application/json")).statusCode());
        assertEquals(401, server.post("/api/notifications", body,
                Map.of("Authorization", RunningServer.KEY, "Content-Type", "application/json")).statusCode());
    }

    @Test
    void aBodyThatIsNotJsonMediaTypeIs415() {
        String body = "{\"user\":\"ann\",\"title\":\"t\"}";
        assertEquals(415, server.post("/api/notifications", body,
                Map.of("Authorization", "Bearer " + RunningServer.KEY, "Content-Type", "text/plain")).statusCode());
        assertEquals(415, server.post("/api/notifications", body,
                Map.of("Authorization", "Bearer " + RunningServer.KEY)).statusCode());
    }

    @Test
    void aBodyOver64KiBIs413() {
        String padding = "x".repeat(64 * 1024);
        HttpResponse<String> response = server.publish("{\"user\":\"ann\",\"title\":\"t\",\"pad\":\"" + padding + "\"}");
        assertEquals(413, response.statusCode());
    }

    @Test
    void aBodyOfExactly64KiBIsNotTooLarge() {
        String start = "{\"user\":\"ann\",\"title\":\"t\",\"pad\":\"";
        String body = start + "x".repeat(64 * 1024 - start.length() - 2) + "\"}";
        assertEquals(64 * 1024, body.length());
        assertEquals(202, server.publish(body).statusCode());
        assertEquals(413, server.publish(body.replace("\"pad\":\"", "\"pad\":\"x")).statusCode());
    }

    @Test
    void checksRunInTheOrder401Then415Then413Then400() {
        String tooBigAndBroken = "{" + "x".repeat(70_000);
        assertEquals(401, server.post("/api/notifications", tooBigAndBroken, Map.of("Content-Type", "text/plain")).statusCode(),
                "401 before 415");
        assertEquals(415, server.post("/api/notifications", tooBigAndBroken,
                Map.of("Authorization", "Bearer " + RunningServer.KEY, "Content-Type", "text/plain")).statusCode(),
                "415 before 413");
        assertEquals(413, server.post("/api/notifications", tooBigAndBroken, JSON).statusCode(), "413 before 400");
        assertBadRequest("bad_json", server.post("/api/notifications", "{", JSON), "{");
    }

    static void assertBadRequest(String error, HttpResponse<String> response, String what) {
        assertEquals(400, response.statusCode(), () -> what + ": " + response.body());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(error, body.getString("error"), what);
        assertFalse(body.getString("message").isBlank(), what);
        assertEquals(2, body.size(), () -> "only error and message: " + body);
    }
}
