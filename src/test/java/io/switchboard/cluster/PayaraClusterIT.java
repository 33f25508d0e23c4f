package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Payara Micro processes, the same WAR on both, clustered through Payara's own Hazelcast
 * ({@code switchboard.cluster=auto}, the container default, finds it as {@code payara/Hazelcast}):
 * a say on one instance reaches a member on the other with the same seq, presence crosses, a
 * publish on one reaches the user's connection on the other. Everything stays on loopback: the
 * HTTP listener (pre-boot command), the data grid's interface, its TCP/IP join (no multicast), a
 * cluster name of its own. Runs in {@code verify}; fails, never skips, when the jar or the WAR is
 * missing. Each process is stopped by its own handle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PayaraClusterIT {

    static final String KEY = "it-publish-key";
    /** Each Micro took about 290 s to be ready on the busy 2-core build machine (two starting at once). */
    static final Duration START = Duration.ofSeconds(480);
    static final Duration FORM = Duration.ofSeconds(120);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static Micro a;
    static Micro b;
    static final List<WsRecorder> probes = new ArrayList<>();

    @BeforeAll
    static void startTwoInstances() throws Exception {
        File jar = new File(System.getProperty("payara.microJar", "target/payara-micro.jar"));
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        if (!jar.isFile() || !war.isFile()) {
            fail(jar + " or " + war + " is missing: run this test through mvn verify");
        }
        Path dir = Path.of(System.getProperty("project.build.directory", "target"), "payara-cluster-it");
        Files.createDirectories(dir);
        int[] http = Nodes.freePorts(2);
        int[] grid = Nodes.freePorts(2);
        String members = "127.0.0.1:" + grid[0] + ",127.0.0.1:" + grid[1];
        String cluster = "switchboard-it-" + grid[0];
        try {
            a = new Micro("a", jar, war, dir, http[0], grid[0], cluster, members);
            b = new Micro("b", jar, war, dir, http[1], grid[1], cluster, members);
            a.awaitReady();
            b.awaitReady();
            awaitClustered();
        } catch (Exception | AssertionError e) {
            stopBoth();
            throw e;
        }
    }

    @AfterAll
    static void stopBoth() {
        probes.forEach(WsRecorder::close);
        probes.clear();
        for (Micro m : new Micro[] {a, b}) {
            if (m != null) {
                m.stop();
            }
        }
    }

    /**
     * Each instance's welcome lists a probe connected to the other: the grid has formed and the
     * application on both is on it.
     */
    static void awaitClustered() throws Exception {
        for (Micro m : new Micro[] {a, b}) {
            WsRecorder probe = WsRecorder.open(m.ws("chat/formed?user=probe-" + m.name));
            probe.expect(Welcome.class);
            probes.add(probe);
        }
        long end = System.nanoTime() + FORM.toNanos();
        for (Micro[] pair : new Micro[][] {{a, b}, {b, a}}) {
            Micro here = pair[0];
            String there = "probe-" + pair[1].name;
            while (true) {
                try (WsRecorder check = WsRecorder.open(here.ws("chat/formed?user=check-" + here.name))) {
                    Welcome welcome = check.expect(Welcome.class);
                    if (welcome.members().contains(there)) {
                        break;
                    }
                    if (System.nanoTime() > end) {
                        fail("instance " + here.name + " never saw " + there + " within " + FORM + " (members "
                                + welcome.members() + ").\n" + a.clusterLines() + "\n" + b.clusterLines());
                    }
                }
                Thread.sleep(500);
            }
        }
    }

    @Test
    void bothInstancesUseThePayaraDataGridAndSeeTwoMembers() {
        for (Micro m : new Micro[] {a, b}) {
            String lines = m.clusterLines();
            assertTrue(lines.contains("cluster=hazelcast, the container's data grid (payara/Hazelcast)"),
                    "instance " + m.name + " runs on Payara's grid:\n" + lines);
            assertTrue(lines.contains(" joined; members now ") || lines.contains(", 2 members"),
                    "instance " + m.name + " saw the other member join:\n" + lines);
        }
    }

    @Test
    void aSayOnOneInstanceReachesAMemberOnTheOtherWithTheSameSeq() {
        try (WsRecorder ann = WsRecorder.open(a.ws("chat/crossing?user=ann"));
             WsRecorder ben = WsRecorder.open(b.ws("chat/crossing?user=ben"))) {
            ann.expect(Welcome.class);
            ben.expect(Welcome.class);
            ann.send("{\"type\":\"say\",\"text\":\"from a\",\"ref\":\"a1\"}");
            long seq = ann.await(Ack.class, ack -> "a1".equals(ack.ref())).seq();
            Message there = ben.await(Message.class, m -> m.text().equals("from a"));
            assertEquals(seq, there.seq(), "the member on b gets the seq the sender on a was acknowledged");
            assertEquals("ann", there.from());

            ben.send("{\"type\":\"say\",\"text\":\"from b\",\"ref\":\"b1\"}");
            long next = ben.await(Ack.class, ack -> "b1".equals(ack.ref())).seq();
            assertEquals(seq + 1, next, "one order for the room across both instances");
            assertEquals(next, ann.await(Message.class, m -> m.text().equals("from b")).seq());
        }
    }

    @Test
    void presenceCrossesInstances() {
        try (WsRecorder ben = WsRecorder.open(b.ws("chat/presence?user=ben"))) {
            assertEquals(1, ben.expect(Welcome.class).count());
            try (WsRecorder ann = WsRecorder.open(a.ws("chat/presence?user=ann"))) {
                Welcome welcome = ann.expect(Welcome.class);
                assertEquals(2, welcome.count(), "ann's welcome on a counts ben on b: " + welcome.members());
                assertTrue(welcome.members().contains("ben"), welcome.members().toString());
                Presence joined = ben.await(Presence.class, p -> p.user().equals("ann"));
                assertEquals("join", joined.event());
                assertEquals(2, joined.count());
            }
            Presence left = ben.await(Presence.class, p -> p.user().equals("ann"));
            assertEquals("leave", left.event());
            assertEquals(1, left.count());
        }
    }

    @Test
    void aNotificationPublishedOnOneInstanceReachesTheUsersConnectionOnTheOther() throws Exception {
        try (WsRecorder carol = WsRecorder.open(a.ws("notifications?user=carol"))) {
            carol.expect(Welcome.class);
            HttpResponse<String> answer = publish(b, "{\"user\":\"carol\",\"title\":\"hello from b\",\"id\":\"n1\"}");
            assertEquals(202, answer.statusCode(), answer.body());
            Notification notification = carol.await(Notification.class);
            assertEquals(ClusterStandaloneTest.seqOf(answer), notification.seq());
            assertEquals("hello from b", notification.title());
        }
    }

    /**
     * Last, as it stops instance a (SIGTERM: Payara ends its member without handing partitions
     * over, so b promotes its backups): every inbox b serves keeps its items and its epoch.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void stoppingOneInstanceLosesNoItemsAndStartsNoNewEpochOnTheOther() throws Exception {
        Map<String, String> epochs = new HashMap<>();
        for (int i = 0; i < 24; i++) { // spread over partitions: about half are owned by a
            String user = "kept" + i;
            HttpResponse<String> answer = publish(b, "{\"user\":\"" + user + "\",\"title\":\"kept\",\"id\":\"k" + i + "\"}");
            assertEquals(202, answer.statusCode(), answer.body());
            try (WsRecorder r = WsRecorder.open(b.ws("notifications?user=" + user))) {
                Welcome welcome = r.expect(Welcome.class);
                assertEquals(1, welcome.seq());
                epochs.put(user, welcome.epoch());
            }
        }
        a.stop();
        long end = System.nanoTime() + FORM.toNanos();
        while (!b.log().contains(" left; members now ")) {
            if (System.nanoTime() > end) {
                fail("b never saw a leave within " + FORM + ":\n" + b.clusterLines());
            }
            Thread.sleep(200);
        }
        Thread.sleep(3_000); // the promotions and their partition events follow the removal
        for (Map.Entry<String, String> e : epochs.entrySet()) {
            try (WsRecorder r = WsRecorder.open(b.ws("notifications?user=" + e.getKey()))) {
                Welcome welcome = r.expect(Welcome.class);
                assertEquals(e.getValue(), welcome.epoch(), e.getKey() + "'s inbox keeps its epoch:\n" + b.clusterLines());
                assertEquals(1, welcome.seq(), e.getKey() + "'s inbox keeps its item");
            }
        }
        assertFalse(b.log().contains("were lost with their owner and backup"), b.clusterLines());
    }

    static HttpResponse<String> publish(Micro on, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(on.base.resolve("api/notifications"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One Payara Micro process, its output in a file under target/. */
    static final class Micro {

        final String name;
        final Process process;
        final Path log;
        final URI base;

        Micro(String name, File jar, File war, Path dir, int port, int gridPort, String cluster, String members)
                throws IOException {
            this.name = name;
            Path tmp = Files.createDirectories(dir.resolve(name + "-" + port));
            // Payara Micro has no option for the listen address: set it before boot, as run-micro.sh does.
            Path preBoot = tmp.resolve("pre-boot.asadmin");
            Files.writeString(preBoot, "set configs.config.server-config.network-config.network-listeners"
                    + ".network-listener.http-listener.address=127.0.0.1\n");
            this.log = dir.resolve(name + "-" + port + ".log");
            this.base = URI.create("http://127.0.0.1:" + port + "/switchboard/");
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Djava.io.tmpdir=" + tmp,
                    // What arquillian.xml's payara-micro container passes; switchboard.cluster stays at its default, auto.
                    "-Dswitchboard.auth=dev",
                    "-Dswitchboard.store=memory",
                    "-Dswitchboard.publishKey=" + KEY,
                    // Hazelcast binds the interface below only, not the wildcard address; no phone home.
                    "-Dhazelcast.socket.bind.any=false",
                    "-Dhazelcast.phone.home.enabled=false",
                    "-jar", jar.getAbsolutePath(),
                    "--deploy", war.getAbsolutePath(),
                    "--contextroot", "switchboard",
                    "--port", Integer.toString(port),
                    "--prebootcommandfile", preBoot.toString(),
                    "--name", "it-" + name,
                    "--clustername", cluster,
                    "--clustermode", "tcpip:" + members,
                    "--interfaces", "127.0.0.1",
                    "--startport", Integer.toString(gridPort),
                    // Both members share one address: host-aware partitioning would leave no place for backups.
                    "--nohostaware",
                    "--disablephonehome");
            this.process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        }

        String ws(String pathAndQuery) {
            return "ws://" + base.getAuthority() + base.getPath() + pathAndQuery;
        }

        /** Polls {@code /health/ready} (store reachable, part of the cluster) within {@link #START}. */
        void awaitReady() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + START.toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("Payara Micro " + name + " exited with " + process.exitValue() + " before it was ready:\n" + tail());
                }
                try {
                    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 200) {
                        return;
                    }
                    last = ready.statusCode() + " " + ready.body();
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(500);
            }
            fail("Payara Micro " + name + " was not ready within " + START + " (" + last + "):\n" + tail());
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        }

        /** What Switchboard logged about the cluster (Grid's "cluster: ..." lines and the start line). */
        String clusterLines() {
            try {
                return log().lines().filter(l -> l.contains("cluster: ") || l.contains("Switchboard started"))
                        .map(l -> name + "| " + l).collect(Collectors.joining("\n"));
            } catch (IOException e) {
                return name + "| log unreadable: " + e;
            }
        }

        private String tail() {
            try {
                List<String> lines = log().lines().toList();
                return lines.subList(Math.max(0, lines.size() - 80), lines.size()).stream()
                        .map(l -> name + "| " + l).collect(Collectors.joining("\n"));
            } catch (IOException e) {
                return name + "| log unreadable: " + e;
            }
        }

        /** SIGTERM (Micro undeploys and leaves the grid), then SIGKILL if it lingers. */
        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
