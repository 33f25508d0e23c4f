package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publisher's rate limit (429) and where it sits in the check order 401, 415, 429, 413, 400.
 * A burst of 3 and a refill slow enough that the test never sees a token come back.
 */
class PublishRateStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.publishBurst", "3", "switchboard.publishesPerSecond", "0.001"));

    @Test
    void overThePublishersRateLimitIs429AfterAuthAndMediaTypeButBeforeSizeAndContent() {
        String ok = "{\"user\":\"ann\",\"title\":\"t\"}";
        // Neither a 401 nor a 415 uses up the burst: they are checked first.
        assertEquals(401, server.post("/api/notifications", ok, Map.of("Content-Type", "application/json")).statusCode());
        assertEquals(415, server.post("/api/notifications", ok,
                Map.of("Authorization", "Bearer " + RunningServer.KEY, "Content-Type", "text/plain")).statusCode());
        for (int i = 0; i < 3; i++) {
            assertEquals(202, server.publish(ok).statusCode(), "within the burst");
        }
        assertEquals(429, server.publish(ok).statusCode());

        String tooBigAndBroken = "{" + "x".repeat(70_000);
        assertEquals(429, server.publish(tooBigAndBroken).statusCode(), "429 before 413");
        assertEquals(429, server.publish("not json").statusCode(), "429 before 400");
        assertEquals(415, server.post("/api/notifications", ok,
                Map.of("Authorization", "Bearer " + RunningServer.KEY, "Content-Type", "text/plain")).statusCode(),
                "415 before 429");
        assertEquals(401, server.post("/api/notifications", ok,
                Map.of("Authorization", "Bearer nope", "Content-Type", "application/json")).statusCode(),
                "401 before 429");
    }
}
