package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Unread;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Section 8 end to end: a standalone server process killed with SIGKILL right after it acknowledged
 * says and publishes. The restarted server recovers them all with the same epochs and {@code
 * recovered: true}, keeps the inbox's {@code readUpTo} and unread count, and answers a retried say
 * ref and a retried publish id with the first seq. With the embedded default and with PostgreSQL.
 */
class StoreCrashStandaloneTest {

    static final String KEY = "crash-publish-key";
    static final int SAYS = 30;
    static final int PUBLISHES = 11;

    @TempDir
    Path tmp;

    static Map<String, String> serverSettings(TestDatabase db) {
        return StoreServerMain.settings(StoreCrashTest.childSettings(db), KEY);
    }

    static int port(ChildJvm server) throws InterruptedException {
        return StoreServerMain.port(server);
    }

    static HttpResponse<String> publish(int port, String json) throws Exception {
        return StoreServerMain.publish(port, KEY, json);
    }

    static long seqOf(HttpResponse<String> answer) {
        JsonObject body = Json.createReader(new StringReader(answer.body())).readObject();
        return body.getJsonNumber("seq").longValue();
    }

    static String ws(int port, String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aServerKilledRightAfterItsAcknowledgementsRecoversAllOfThem(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            Map<String, String> settings = serverSettings(db);
            String roomEpoch;
            String inboxEpoch;
            Map<String, Long> saySeqs = new HashMap<>();
            Map<String, Long> publishSeqs = new HashMap<>();
            try (ChildJvm first = new ChildJvm(StoreServerMain.class, settings)) {
                int port = port(first);
                for (int i = 1; i < PUBLISHES; i++) {
                    HttpResponse<String> answer = publish(port, "{\"user\":\"bob\",\"title\":\"n" + i + "\",\"id\":\"p" + i + "\"}");
                    assertEquals(202, answer.statusCode(), answer.body());
                    publishSeqs.put("p" + i, seqOf(answer));
                }
                try (WsRecorder bob = WsRecorder.open(ws(port, "/notifications?user=bob"))) {
                    Welcome welcome = bob.expect(Welcome.class);
                    inboxEpoch = welcome.epoch();
                    assertEquals(PUBLISHES - 1, welcome.unread());
                    bob.send("{\"type\":\"read\",\"seq\":4,\"ref\":\"r\"}");
                    Unread unread = bob.await(Unread.class, u -> "r".equals(u.ref()));
                    assertEquals(4, unread.readUpTo());
                }
                try (WsRecorder alice = WsRecorder.open(ws(port, "/chat/crash-room?user=alice"))) {
                    roomEpoch = alice.expect(Welcome.class).epoch();
                    for (int i = 1; i <= SAYS; i++) {
                        alice.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"r" + i + "\"}");
                    }
                    for (int i = 1; i <= SAYS; i++) {
                        String ref = "r" + i;
                        saySeqs.put(ref, alice.await(Ack.class, a -> ref.equals(a.ref())).seq());
                    }
                    // The last publish, and the kill as soon as its 202 is here.
                    HttpResponse<String> last = publish(port, "{\"user\":\"bob\",\"title\":\"n" + PUBLISHES
                            + "\",\"id\":\"p" + PUBLISHES + "\"}");
                    assertEquals(202, last.statusCode(), last.body());
                    first.kill();
                    publishSeqs.put("p" + PUBLISHES, seqOf(last));
                }
            }

            try (ChildJvm second = new ChildJvm(StoreServerMain.class, settings)) {
                int port = port(second);
                try (WsRecorder alice = WsRecorder.open(ws(port, "/chat/crash-room?user=alice&since=0&epoch=" + roomEpoch))) {
                    Welcome welcome = alice.expect(Welcome.class);
                    assertEquals(roomEpoch, welcome.epoch(), "the room keeps its epoch");
                    assertEquals(Boolean.TRUE, welcome.recovered());
                    assertEquals(SAYS, welcome.seq());
                    assertEquals(JdbcStoreTest.range(1, SAYS),
                            welcome.messages().stream().map(Message::seq).collect(Collectors.toList()));
                    for (Message m : welcome.messages()) {
                        assertEquals(saySeqs.get("r" + m.text().substring(1)), m.seq(), "the acknowledged seq of " + m.text());
                    }
                    // A retried ref is answered with its first seq and takes none; a new one takes the next.
                    alice.send("{\"type\":\"say\",\"text\":\"again\",\"ref\":\"r" + SAYS + "\"}");
                    assertEquals(saySeqs.get("r" + SAYS), alice.await(Ack.class, a -> ("r" + SAYS).equals(a.ref())).seq());
                    alice.send("{\"type\":\"say\",\"text\":\"new\",\"ref\":\"fresh\"}");
                    assertEquals(SAYS + 1, alice.await(Ack.class, a -> "fresh".equals(a.ref())).seq());
                }
                try (WsRecorder bob = WsRecorder.open(ws(port, "/notifications?user=bob&since=0&epoch=" + inboxEpoch))) {
                    Welcome welcome = bob.expect(Welcome.class);
                    assertEquals(inboxEpoch, welcome.epoch(), "the inbox keeps its epoch");
                    assertEquals(Boolean.TRUE, welcome.recovered());
                    assertEquals(PUBLISHES, welcome.seq());
                    assertEquals(JdbcStoreTest.range(1, PUBLISHES),
                            welcome.notifications().stream().map(Notification::seq).collect(Collectors.toList()));
                    assertEquals(PUBLISHES - 4, welcome.unread(), "readUpTo 4 kept: the unread count");
                    bob.send("{\"type\":\"read\",\"seq\":2,\"ref\":\"down\"}");
                    assertEquals(4, bob.await(Unread.class, u -> "down".equals(u.ref())).readUpTo(), "readUpTo never goes down");
                }
                for (String id : List.of("p5", "p" + PUBLISHES)) {
                    HttpResponse<String> retried = publish(port, "{\"user\":\"bob\",\"title\":\"retry\",\"id\":\"" + id + "\"}");
                    assertEquals(200, retried.statusCode(), id + ": " + retried.body());
                    assertEquals(publishSeqs.get(id), seqOf(retried), "a retried " + id + " gets its first seq");
                }
                try (WsRecorder bob = WsRecorder.open(ws(port, "/notifications?user=bob"))) {
                    assertEquals(PUBLISHES, bob.expect(Welcome.class).seq(), "the retries published nothing");
                }
                second.stop();
                assertTrue(second.process.exitValue() != 137, "a clean stop");
            }
        }
    }
}
