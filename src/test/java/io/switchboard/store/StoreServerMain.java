package io.switchboard.store;

import io.switchboard.Settings;
import io.switchboard.standalone.StandaloneServer;

/**
 * The standalone server on the store its settings name, as {@code io.switchboard.standalone.Main}
 * runs it once the core builds its store with {@link Stores#from}: prints {@code PORT n} when it
 * takes traffic, stops cleanly on SIGTERM. The crash tests kill it.
 */
public final class StoreServerMain {

    private StoreServerMain() {
    }

    /**
     * {@code store} plus what every child server of the tests runs with: loopback on a free port,
     * dev identities, {@code publishKey} for the publish API, rate limits the tests' bursts stay under.
     */
    public static java.util.Map<String, String> settings(java.util.Map<String, String> store, String publishKey) {
        java.util.Map<String, String> s = new java.util.HashMap<>(store);
        s.put("switchboard.host", "127.0.0.1");
        s.put("switchboard.port", "0");
        s.put("switchboard.auth", "dev");
        s.put("switchboard.publishKey", publishKey);
        s.put("switchboard.framesPerSecond", "10000");
        s.put("switchboard.frameBurst", "10000");
        return s;
    }

    /** For the tests' requests to their child servers. */
    public static final java.net.http.HttpClient HTTP =
            java.net.http.HttpClient.newBuilder().connectTimeout(io.switchboard.WsRecorder.WAIT).build();

    /** POSTs {@code json} to the publish API of the child server on {@code port}, with {@code publishKey}. */
    public static java.net.http.HttpResponse<String> publish(int port, String publishKey, String json)
            throws java.io.IOException, InterruptedException {
        java.net.http.HttpRequest request = java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/notifications"))
                .timeout(io.switchboard.WsRecorder.WAIT)
                .header("Authorization", "Bearer " + publishKey)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The port a child started with this main prints once it takes traffic. */
    public static int port(ChildJvm server) throws InterruptedException {
        return Integer.parseInt(server.await("PORT ").substring(5).trim());
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        StandaloneServer server;
        int port;
        try {
            server = new StandaloneServer(settings, Stores.from(settings, false));
            port = server.start();
        } catch (IllegalStateException e) {
            System.out.println("Switchboard did not start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "switchboard-shutdown"));
        System.out.println("PORT " + port);
        Thread.currentThread().join();
    }
}
