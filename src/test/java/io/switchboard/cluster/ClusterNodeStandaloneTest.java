package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.Settings;
import io.switchboard.Switchboard;
import io.switchboard.standalone.RunningServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One clustered node in this JVM: its readiness follows its membership, and the embedded store refuses a cluster. */
class ClusterNodeStandaloneTest {

    @TempDir
    Path tmp;

    static Map<String, String> clustered(String name, int port) {
        return Map.of("switchboard.cluster", "hazelcast",
                "switchboard.cluster.port", Integer.toString(port),
                "switchboard.cluster.members", "127.0.0.1:" + port,
                "switchboard.cluster.name", name);
    }

    @Test
    void readyIs503WithTheClusterCheckWhenTheNodeIsNoLongerAMember() throws Exception {
        int port = Nodes.freePorts(1)[0];
        String name = "ready-" + port;
        try (RunningServer server = RunningServer.start(clustered(name, port))) {
            assertTrue(server.switchboard().store() instanceof ClusterStore, "the store is shared through the grid");
            HttpResponse<String> up = server.get("/health/ready", Map.of());
            assertEquals(200, up.statusCode(), up.body());
            HazelcastInstance member = Hazelcast.getAllHazelcastInstances().stream()
                    .filter(h -> h.getConfig().getClusterName().equals(name)).findFirst().orElseThrow();
            member.getLifecycleService().terminate();
            HttpResponse<String> down = server.get("/health/ready", Map.of());
            assertEquals(503, down.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"store\",\"status\":\"UP\"},"
                    + "{\"name\":\"cluster\",\"status\":\"DOWN\"}]}", down.body());
            assertEquals(200, server.get("/health/live", Map.of()).statusCode(), "the process still runs");
        }
    }

    @Test
    void theEmbeddedDatabaseAndAClusterRefuseToStartWithOneLineNamingTheSetting() throws Exception {
        int port = Nodes.freePorts(1)[0];
        Map<String, String> settings = new java.util.HashMap<>(clustered("refused-" + port, port));
        settings.put("switchboard.store", "embedded");
        settings.put("switchboard.store.path", tmp.resolve("data").toString());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Switchboard.start(Settings.of(settings), Switchboard.Host.STANDALONE).close());
        assertTrue(refused.getMessage().startsWith("switchboard.store: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("cannot be shared"), refused.getMessage());
        assertTrue(Hazelcast.getAllHazelcastInstances().stream()
                .noneMatch(h -> h.getConfig().getClusterName().equals("refused-" + port)), "no member was started");
    }
}
