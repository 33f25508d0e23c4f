package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Error;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on PostgreSQL while PostgreSQL is stopped and started: nothing is acknowledged while it
 * is down (a say gets {@code unavailable}, a publish 503 with Retry-After), the server goes on by
 * itself once it is back, and the retried say is stored once.
 */
class ServerOutageStandaloneTest {

    @TempDir
    Path tmp;

    @Test
    void whileTheDatabaseIsDownNothingIsAcknowledgedAndAfterItEverythingGoesOn() throws Exception {
        String[] cluster = PostgresOutageTest.cluster();
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tmp); JdbcStore store = db.open();
             RunningServer server = RunningServer.start(Map.of(), store);
             WsRecorder alice = server.chat("outage-room", "alice")) {
            alice.send("{\"type\":\"say\",\"text\":\"before\",\"ref\":\"b\"}");
            assertEquals(1, alice.await(Ack.class).seq());
            boolean stopped = false;
            try {
                PostgresOutageTest.run("pg_ctlcluster", cluster[0], cluster[1], "stop", "-m", "fast");
                stopped = true;

                alice.send("{\"type\":\"say\",\"text\":\"during\",\"ref\":\"d\"}");
                Error refused = alice.await(Error.class);
                assertEquals("unavailable", refused.code());
                assertEquals("d", refused.ref());
                PostgresOutageTest.await("the store seen unreachable", 15, () -> !store.reachable());

                HttpResponse<String> publish = server.publish("{\"user\":\"alice\",\"title\":\"t\",\"id\":\"p1\"}");
                assertEquals(503, publish.statusCode());
                assertTrue(publish.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
                assertTrue(publish.body().contains("\"error\":\"unavailable\""), publish.body());
            } finally {
                if (stopped) {
                    PostgresOutageTest.run("pg_ctlcluster", cluster[0], cluster[1], "start");
                }
            }
            PostgresOutageTest.await("the store reachable again", 30, store::reachable);
            long seq = -1;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (seq < 0 && System.nanoTime() < deadline) { // a client retries with the same ref
                alice.send("{\"type\":\"say\",\"text\":\"during\",\"ref\":\"d\"}");
                var answer = alice.await(io.switchboard.protocol.ServerMessage.class,
                        m -> m instanceof Ack || m instanceof Error);
                if (answer instanceof Ack ack) {
                    seq = ack.seq();
                } else {
                    Thread.sleep(200);
                }
            }
            assertEquals(2, seq, "stored once, after the one acknowledged before");
            assertEquals(202, server.publish("{\"user\":\"alice\",\"title\":\"t\",\"id\":\"p1\"}").statusCode());
            try (WsRecorder back = WsRecorder.open(server.ws("/chat/outage-room?user=bob"))) {
                assertEquals(List.of("before", "during"),
                        back.expect(Welcome.class).messages().stream().map(Message::text).toList());
            }
        }
    }
}
