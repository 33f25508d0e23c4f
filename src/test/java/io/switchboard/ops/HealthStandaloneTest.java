package io.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.channel.LogStore;
import io.switchboard.channel.MemoryStore;
import io.switchboard.channel.Presence;
import io.switchboard.channel.PublishIds;
import io.switchboard.channel.ReadMarks;
import io.switchboard.channel.Store;
import io.switchboard.channel.TestStores;
import io.switchboard.standalone.RunningServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /health/live} and {@code /health/ready} on the standalone server (protocol sections 8 and 10). */
class HealthStandaloneTest {

    /** A memory store whose reachability the test sets, as a database going away and coming back would. */
    static final class SwitchableStore implements Store {
        private final MemoryStore store = TestStores.memory(100);
        volatile boolean reachable = true;

        @Override
        public LogStore logs() {
            return store.logs();
        }

        @Override
        public Presence presence() {
            return store.presence();
        }

        @Override
        public ReadMarks readMarks() {
            return store.readMarks();
        }

        @Override
        public PublishIds publishIds() {
            return store.publishIds();
        }

        @Override
        public String kind() {
            return "switchable";
        }

        @Override
        public boolean reachable() {
            return reachable;
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void liveAndReadyAnswerUpAndHealthStaysAsItWas() {
        try (RunningServer server = RunningServer.start()) {
            for (String path : new String[] {"/health", "/health/live", "/health/ready"}) {
                HttpResponse<String> answer = server.get(path, Map.of());
                assertEquals(200, answer.statusCode(), path);
                assertEquals("{\"status\":\"UP\"}", answer.body(), path);
                assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse("").split(";")[0], path);
            }
        }
    }

    @Test
    void readyIs503WithTheStoreCheckWhileTheStoreCannotBeReachedAndUpAgainAfter() {
        SwitchableStore store = new SwitchableStore();
        try (RunningServer server = RunningServer.start(Map.of(), store)) {
            store.reachable = false;
            HttpResponse<String> down = server.get("/health/ready", Map.of());
            assertEquals(503, down.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"store\",\"status\":\"DOWN\"}]}", down.body());
            assertEquals(200, server.get("/health/live", Map.of()).statusCode(), "live: the process runs");
            assertEquals(200, server.get("/health", Map.of()).statusCode(), "/health stays as it is");

            store.reachable = true;
            assertEquals(200, server.get("/health/ready", Map.of()).statusCode());
        }
    }
}
