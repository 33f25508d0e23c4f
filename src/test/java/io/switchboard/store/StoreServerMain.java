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
