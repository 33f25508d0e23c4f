package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Settings;
import io.switchboard.WsRecorder;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import io.switchboard.channel.Store;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.History;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.web.SwitchboardWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside Payara Micro with PostgreSQL through the JDBC resource {@code jdbc/switchboard} that
 * {@code payara-config/postgresql.asadmin} creates, the driver added to Micro ({@code --addLibs}):
 * the store finds the resource by the container default ({@code switchboard.store=container}),
 * Flyway finds its scripts through the WAR's class loader, a store opened again has the same epoch,
 * items, keys, marks and publish ids, and a real redeploy of the WAR keeps what clients were told.
 * One Micro JVM for both (each costs about 11 s, more on a busy machine): the redeploy is the last.
 * Needs the database {@code switchboard} of .ci/postgresql.sh; each run uses rooms and users of its own.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreOnPayaraIT {

    /** How long Micro may take to undeploy and deploy the WAR again (about 10 s on a quiet machine). */
    private static final Duration REDEPLOY = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment
    @TargetsContainer("payara-micro-postgresql")
    static WebArchive war() {
        // Checked here, before Micro starts: without PostgreSQL the WAR fails to deploy with a far
        // less helpful message.
        try (Connection c = PoolDatabase.connect()) {
            assertTrue(c.isValid(5));
        } catch (SQLException e) {
            throw new AssertionError(PoolDatabase.unreachable(e), e);
        }
        return SwitchboardWar.fromBuild().addClasses(StoreOnPayaraIT.class, Note.class, PoolDatabase.class,
                RedeployServlet.class, SwitchboardWar.class, WsRecorder.class);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void theJdbcResourceKeepsLogsMarksAndIdsAcrossAReopen() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String room = "room:it-" + run;
        Position before;
        try (Store store = Stores.from(Settings.fromEnvironment(), true)) {
            assertEquals("postgresql", store.kind(), "jdbc/switchboard is PostgreSQL");
            NumberedLog<Note> log = store.logs().open(room, Note.ITEMS);
            for (int i = 1; i <= 5; i++) {
                await(log.append(Note.draft("m" + i), "u\n" + i));
            }
            before = await(log.position());
            await(store.readMarks().advance(room, "u", 3));
            assertNull(await(store.publishIds().claim("it-" + run)));
            await(store.publishIds().complete("it-" + run, "{\"seq\":5}"));
        }
        try (Store store = Stores.from(Settings.fromEnvironment(), true)) {
            NumberedLog<Note> log = store.logs().open(room, Note.ITEMS);
            assertEquals(before, await(log.position()));
            assertEquals(5, before.latest());
            assertEquals(List.of("m1", "m2", "m3", "m4", "m5"),
                    await(log.read(1, 10)).stream().map(Note::text).collect(Collectors.toList()));
            NumberedLog.Appended<Note> retried = await(log.append(Note.draft("again"), "u\n2"));
            assertTrue(retried.duplicate());
            assertEquals(2, retried.item().seq());
            assertEquals(3L, await(store.readMarks().get(room, "u")));
            assertEquals("{\"seq\":5}", await(store.publishIds().claim("it-" + run)));
        }
    }

    /**
     * From the test JVM over real sockets: what the WAR acknowledged before a redeploy it still has
     * after it, in the same Micro JVM ({@link RedeployServlet} says why not Arquillian's Deployer).
     * With the memory store the epoch would be new, the seqs would start at 1 again and the inbox would
     * be empty; the rows are also read straight from PostgreSQL.
     */
    @Test
    @Order(2)
    @RunAsClient
    void aRedeployKeepsHistoryRefsAndTheInbox(@ArquillianResource URL url) throws Exception {
        URI base = SwitchboardWar.base(url);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String room = "redeploy-" + run;
        String alice = "alice-" + run;
        String pat = "pat-" + run;
        String chat = "chat/" + room + "?user=";

        // Before: four messages acknowledged, one notification published for pat.
        String epoch;
        String inboxEpoch;
        String published;
        String before = deployment(base).orElseThrow(() -> new AssertionError("it/redeploy is not in the WAR"));
        try (WsRecorder first = WsRecorder.open(SwitchboardWar.ws(base, chat + alice));
                WsRecorder inbox = WsRecorder.open(SwitchboardWar.ws(base, "notifications?user=" + pat))) {
            Welcome welcome = first.expect(Welcome.class);
            epoch = welcome.epoch();
            assertEquals(0, welcome.seq(), "a new room");
            for (int i = 1; i <= 4; i++) {
                first.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"r" + i + "\"}");
                String ref = "r" + i;
                assertEquals(i, first.await(Ack.class, ack -> ref.equals(ack.ref())).seq(), ref);
            }
            inboxEpoch = inbox.expect(Welcome.class).epoch();
            HttpResponse<String> answer = SwitchboardWar.publish(base,
                    "{\"user\":\"" + pat + "\",\"title\":\"before the redeploy\",\"id\":\"it-" + run + "\"}");
            assertEquals(202, answer.statusCode(), answer.body());
            published = answer.body();
            assertEquals(1, json(published).getInt("seq"));
            assertEquals("before the redeploy", inbox.await(Notification.class).title());

            // The redeploy, with both clients still connected: the old application closes them (1001).
            HttpResponse<String> redeploy = send(HttpRequest.newBuilder(base.resolve("it/redeploy"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(202, redeploy.statusCode(), redeploy.body());
            String after = awaitNewDeployment(base, json(before).getString("deployment"));
            assertEquals(json(before).getJsonNumber("pid"), json(after).getJsonNumber("pid"),
                    "the same Micro JVM: a redeploy, not a restart");
            first.awaitClose(1001);
            inbox.awaitClose(1001);
        }
        HttpResponse<String> ready = SwitchboardWar.get(base.resolve("health/ready"), null);
        assertEquals(200, ready.statusCode(), ready.body());

        // After: a newcomer who saw m1 recovers the rest in the same epoch; history has all four.
        try (WsRecorder bob = WsRecorder.open(SwitchboardWar.ws(base,
                chat + "bob-" + run + "&since=1&epoch=" + epoch))) {
            Welcome welcome = bob.expect(Welcome.class);
            assertEquals(epoch, welcome.epoch(), "the room's log kept its epoch");
            assertEquals(Boolean.TRUE, welcome.recovered(), welcome::toString);
            assertEquals(4, welcome.seq());
            assertEquals(List.of("m2", "m3", "m4"), texts(welcome.messages()));
            assertEquals(List.of(2L, 3L, 4L), welcome.messages().stream().map(Message::seq).toList());
            assertEquals(List.of(alice), welcome.messages().stream().map(Message::from).distinct().toList());

            bob.send("{\"type\":\"history\",\"ref\":\"h1\"}");
            History history = bob.await(History.class);
            assertEquals("h1", history.ref());
            assertEquals(List.of("m1", "m2", "m3", "m4"), texts(history.messages()));
            assertFalse(history.more());
        }

        // A retried say answers the first seq and publishes nothing; the next one goes on from 4.
        try (WsRecorder again = WsRecorder.open(SwitchboardWar.ws(base, chat + alice))) {
            again.expect(Welcome.class);
            again.send("{\"type\":\"say\",\"text\":\"m2, retried\",\"ref\":\"r2\"}");
            assertEquals(new Ack("r2", 2), again.await(Ack.class));
            again.send("{\"type\":\"say\",\"text\":\"m5\",\"ref\":\"r5\"}");
            assertEquals(new Ack("r5", 5), again.await(Ack.class, ack -> "r5".equals(ack.ref())));
        }

        // The notification is in pat's inbox, unread, and its id still answers the first publish.
        try (WsRecorder inbox = WsRecorder.open(SwitchboardWar.ws(base, "notifications?user=" + pat))) {
            Welcome welcome = inbox.expect(Welcome.class);
            assertEquals(inboxEpoch, welcome.epoch());
            assertEquals(1, welcome.seq());
            assertEquals(1L, welcome.unread());
            assertEquals(List.of("before the redeploy"), welcome.notifications().stream().map(Notification::title).toList());
        }
        HttpResponse<String> republished = SwitchboardWar.publish(base,
                "{\"user\":\"" + pat + "\",\"title\":\"before the redeploy\",\"id\":\"it-" + run + "\"}");
        assertEquals(200, republished.statusCode(), republished.body());
        assertEquals(json(published).getString("id"), json(republished.body()).getString("id"));
        assertEquals(1, json(republished.body()).getInt("seq"));

        // And it is PostgreSQL that holds them.
        try (Connection c = PoolDatabase.connect()) {
            assertEquals(List.of(epoch, "5", "5"), PoolDatabase.row(c,
                    "SELECT m.epoch, m.top_seq, (SELECT count(*) FROM log_entry e WHERE e.stream = m.stream)"
                            + " FROM stream_meta m WHERE m.stream = ?", "room:" + room));
            assertEquals(List.of(inboxEpoch, "1"), PoolDatabase.row(c,
                    "SELECT epoch, top_seq FROM stream_meta WHERE stream = ?", "inbox:" + pat));
        }
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::text).toList();
    }

    /** The id of the deployment answering it/redeploy, if one does (404 while there is none). */
    private static Optional<String> deployment(URI base) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(base.resolve("it/redeploy"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? Optional.of(answer.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls until a deployment other than {@code old} answers, within {@link #REDEPLOY}. */
    private static String awaitNewDeployment(URI base, String old) throws InterruptedException {
        long deadline = System.nanoTime() + REDEPLOY.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> now = deployment(base);
            if (now.isPresent() && !old.equals(json(now.get()).getString("deployment"))) {
                return now.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the WAR was not deployed again within " + REDEPLOY + ": see Payara Micro's output");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * The database behind Micro's pool, read from the same {@code postgresql.asadmin} that creates
     * the pool (its {@code --property serverName=…:portNumber=…:databaseName=…:user=…:password=…}),
     * so that the test checks the very database the WAR writes to.
     */
    static final class PoolDatabase {

        private PoolDatabase() {
        }

        static Map<String, String> properties() {
            Path file = Path.of(System.getProperty("pg.postBoot", "payara-config/postgresql.asadmin"));
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("create-jdbc-connection-pool ")) {
                        List<String> words = List.of(line.split(" +"));
                        Map<String, String> properties = new HashMap<>();
                        for (String pair : words.get(words.indexOf("--property") + 1).split(":")) {
                            String[] kv = pair.split("=", 2);
                            properties.put(kv[0], kv[1]);
                        }
                        return properties;
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
            throw new AssertionError(file + " creates no connection pool");
        }

        static String url() {
            Map<String, String> p = properties();
            return "jdbc:postgresql://" + p.get("serverName") + ":" + p.getOrDefault("portNumber", "5432")
                    + "/" + p.get("databaseName");
        }

        static Connection connect() throws SQLException {
            Map<String, String> p = properties();
            return DriverManager.getConnection(url(), p.get("user"), p.get("password"));
        }

        static String unreachable(SQLException e) {
            return "PostgreSQL is not reachable at " + url() + " as " + properties().get("user")
                    + ", the database of Payara Micro's pool in payara-config/postgresql.asadmin ("
                    + e.getMessage() + "). Start it with: sudo bash .ci/postgresql.sh (installs Debian's"
                    + " postgresql, starts the cluster, creates the role and the databases; see docs/storage.md).";
        }

        /** The one row {@code sql} finds for {@code key}, its columns as text. */
        static List<String> row(Connection c, String sql, String key) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next(), () -> "no row for " + key);
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        columns.add(r.getString(i));
                    }
                    assertFalse(r.next(), () -> "more than one row for " + key);
                    return columns;
                }
            }
        }
    }
}
