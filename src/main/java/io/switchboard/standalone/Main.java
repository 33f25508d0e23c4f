package io.switchboard.standalone;

import io.switchboard.Settings;
import io.switchboard.Switchboard;

/** {@code mvn -q compile exec:java}: the standalone server, until Ctrl-C or SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Settings settings = Settings.fromEnvironment();
        StandaloneServer server = new StandaloneServer(settings);
        int port;
        try {
            port = server.start();
        } catch (IllegalStateException | IllegalArgumentException e) {
            // A setting that must not be run with (jwt without a key, dev on a network address): say which, and stop.
            System.err.println("Switchboard did not start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Switchboard switchboard = server.switchboard();
        String host = settings.get("switchboard.host", "127.0.0.1");
        System.out.printf("Switchboard is up at http://%s:%d/ (auth=%s) in %d ms%n", host.contains(":") ? "[" + host + "]" : host,
                port, switchboard.auth(), (System.nanoTime() - started) / 1_000_000);
        if (switchboard.publishKeyGenerated() && switchboard.auth().equals("dev")) {
            System.out.println("Dev publish key: " + switchboard.publishKey());
        }
        // Ctrl-C and SIGTERM both run shutdown hooks: every connection gets 1001 before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "switchboard-shutdown"));
        Thread.currentThread().join();
    }
}
