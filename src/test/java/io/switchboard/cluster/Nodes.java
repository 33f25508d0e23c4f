package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.store.ChildJvm;
import io.switchboard.store.StoreServerMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Standalone Switchboard nodes as separate processes on loopback, clustered through embedded
 * Hazelcast members (distinct HTTP and cluster ports). {@link #awaitFormed} waits until presence
 * crosses every node, which needs the whole cluster.
 */
final class Nodes implements AutoCloseable {

    static final String KEY = "cluster-publish-key";

    final List<ChildJvm> processes = new ArrayList<>();
    final int[] ports;
    final int[] clusterPorts;
    private final List<WsRecorder> probes = new ArrayList<>();
    private final List<Map<String, String>> settings = new ArrayList<>();

    /** Starts {@code count} nodes with {@code store}'s settings (memory, or a shared PostgreSQL). */
    Nodes(int count, Map<String, String> store) throws Exception {
        clusterPorts = freePorts(count);
        ports = new int[count];
        String members = java.util.Arrays.stream(clusterPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> s = StoreServerMain.settings(store, KEY);
                s.put("switchboard.cluster", "hazelcast");
                s.put("switchboard.cluster.members", members);
                s.put("switchboard.cluster.port", Integer.toString(clusterPorts[i]));
                s.put("switchboard.cluster.name", "test-" + clusterPorts[0]);
                settings.add(s);
                processes.add(new ChildJvm(StoreServerMain.class, s));
            }
            for (int i = 0; i < count; i++) {
                ports[i] = StoreServerMain.port(processes.get(i));
            }
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** Stops node {@code i} cleanly (SIGTERM) and starts it again on the same cluster port; its HTTP port changes. */
    void restart(int i) throws Exception {
        processes.get(i).stop();
        processes.set(i, new ChildJvm(StoreServerMain.class, settings.get(i)));
        ports[i] = StoreServerMain.port(processes.get(i));
    }

    static Map<String, String> memory() {
        return Map.of("switchboard.store", "memory");
    }

    String ws(int node, String path) {
        return "ws://127.0.0.1:" + ports[node] + path;
    }

    /** Every node sees a member on every other: the cluster has formed and presence crosses it. */
    void awaitFormed() throws InterruptedException {
        for (int i = 0; i < ports.length; i++) {
            WsRecorder probe = WsRecorder.open(ws(i, "/chat/formed?user=probe" + i));
            probe.expect(Welcome.class);
            probes.add(probe);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < ports.length; i++) {
            while (true) {
                try (WsRecorder check = WsRecorder.open(ws(i, "/chat/formed?user=check" + i))) {
                    Welcome welcome = check.expect(Welcome.class);
                    if (welcome.count() == ports.length + 1) {
                        break;
                    }
                    if (System.nanoTime() > end) {
                        assertEquals(ports.length + 1, welcome.count(), "node " + i + " sees every node's probe: " + welcome.members());
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    HttpResponse<String> publish(int node, String json) throws IOException, InterruptedException {
        return StoreServerMain.publish(ports[node], KEY, json);
    }

    HttpResponse<String> get(int node, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[node] + path))
                .timeout(WsRecorder.WAIT).GET().build();
        return StoreServerMain.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }

    @Override
    public void close() {
        probes.forEach(WsRecorder::close);
        processes.forEach(ChildJvm::close);
        for (ChildJvm p : processes) {
            try {
                p.process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
