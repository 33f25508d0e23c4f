package io.switchboard.standalone;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import io.switchboard.channel.Store;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerContainer;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;

/**
 * Switchboard on one Grizzly port: Tyrus's WebSockets, the HTTP API, health and the static files.
 * Tyrus's own {@code Server} would bind every address and take no HTTP handlers, so we build the
 * Grizzly server ourselves and attach Tyrus to it.
 */
public final class StandaloneServer {

    /**
     * How long a selector round may handle connections itself before handing the rest to workers: a
     * read's arrival time is known to about this (a tenth of a frame at the default 10 a second).
     */
    static final long SELECTOR_BUDGET_MILLIS = 50;

    private final Settings settings;
    private final Store store;
    private Switchboard switchboard;
    private HttpServer http;
    private RequestDeadline deadline;
    private int port;

    public StandaloneServer(Settings settings) {
        this(settings, null);
    }

    /** On {@code store} (null: the one the settings name), as tests running several nodes in one JVM do. */
    public StandaloneServer(Settings settings, Store store) {
        this.settings = settings;
        this.store = store;
    }

    /** Starts and returns the bound port (useful with {@code switchboard.port=0}). */
    public synchronized int start() throws IOException {
        String host = settings.get("switchboard.host", "127.0.0.1");
        int requestedPort = settings.getInt("switchboard.port", 8080);
        // Checked before anything starts.
        String auth = settings.get("switchboard.auth", "dev").toLowerCase(Locale.ROOT);
        if (auth.equals("dev") && !InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalStateException("switchboard.auth=dev takes anyone at their word: it only binds a "
                    + "loopback address, not " + host + ". Use tokens (switchboard.auth=jwt) to serve a network.");
        }
        Switchboard started = Switchboard.start(settings, Switchboard.Host.STANDALONE, store);
        TyrusServerContainer websockets = websockets(started);
        NetworkListener listener = new NetworkListener("switchboard", host, requestedPort);
        // WebSocket frames handled on the selector that read them, while it keeps up; else on a worker.
        SelectorFirstStrategy.install(listener.getTransport(), SELECTOR_BUDGET_MILLIS);
        // It holds a read's replies until the read is handled: they must still leave before Tyrus's own frames.
        FlushingWriter.install();
        // Each read carries when the selector saw it, on the selector or a worker: rate limits count frames by arrival.
        ArrivalStamping.install(listener);
        // Grizzly would cut idle connections at 30 s, WebSockets included; our heartbeat decides.
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(StandaloneServer::withoutIdleTimeoutFilter);
        // With that timeout off, nothing else bounds a request that never completes (slowloris).
        RequestDeadline requestDeadline = new RequestDeadline(settings.getLong("switchboard.requestTimeoutMs", 10_000));
        listener.registerAddOn(requestDeadline);
        // Frame-header checks Tyrus leaves out (masking, minimal lengths, oversized frames).
        listener.registerAddOn(new FrameGuard(started.limits().maxMessageBytes(), started.limits().closeGrace()));
        listener.registerAddOn(tyrusAddOn(websockets));
        HttpServer server = new HttpServer();
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(new HttpRoutes(started), "/");
        server.getServerConfiguration().setDefaultErrorPageGenerator(null);
        try {
            server.start();
        } catch (IOException e) {
            requestDeadline.stop();
            started.close();
            throw e;
        }
        this.deadline = requestDeadline;
        this.switchboard = started;
        this.http = server;
        this.port = listener.getPort();
        return port;
    }

    public synchronized int port() {
        return port;
    }

    public synchronized Switchboard switchboard() {
        return switchboard;
    }

    /** Closes every connection with 1001, gives the close frames a moment to leave, then stops. */
    public synchronized void stop() {
        if (http == null) {
            return;
        }
        switchboard.close();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.shutdownNow();
        deadline.stop();
        http = null;
        switchboard = null;
    }

    /**
     * Takes out Grizzly's {@link IdleTimeoutFilter} when the keep-alive timeout it enforces is off, as
     * ours is: it would still update its record of every connection on every read and write, and its
     * timer would still visit every connection each second (a tenth of the CPU of 10,000 idle
     * WebSockets in a profile), all to close nothing.
     */
    private static void withoutIdleTimeoutFilter(NetworkListener listener, FilterChainBuilder builder) {
        int idleTimeout = builder.indexOfType(IdleTimeoutFilter.class);
        if (idleTimeout >= 0 && listener.getKeepAlive().getIdleTimeoutInSeconds() < 0) {
            builder.remove(idleTimeout);
        }
    }

    private static TyrusServerContainer websockets(Switchboard switchboard) {
        // Room for the largest message the endpoints accept, plus a frame header.
        var container = (TyrusServerContainer) new GrizzlyServerContainer().createContainer(
                Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, switchboard.limits().maxMessageBytes() * 2 + 14));
        try {
            var engine = container.getWebSocketEngine();
            for (var config : switchboard.endpointConfigs()) {
                engine.register(config, "");
            }
        } catch (DeploymentException e) {
            throw new IllegalStateException("endpoints failed to deploy", e);
        }
        return container;
    }

    /** Tyrus's add-on has a package-private constructor; Tyrus's own Server reaches it the same way. */
    private static AddOn tyrusAddOn(TyrusServerContainer container) {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(org.glassfish.tyrus.spi.ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(container, "");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot attach Tyrus to Grizzly", e);
        }
    }
}
