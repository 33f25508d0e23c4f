package io.switchboard;

import io.switchboard.channel.Store;
import io.switchboard.chat.Chat;
import io.switchboard.cluster.ClusterStore;
import io.switchboard.chat.ChatEndpoint;
import io.switchboard.chat.RoomMessagesApi;
import io.switchboard.http.PublishKey;
import io.switchboard.identity.Access;
import io.switchboard.identity.Authenticator;
import io.switchboard.identity.GuestAuthenticator;
import io.switchboard.identity.JwtAuthenticator;
import io.switchboard.identity.OriginPolicy;
import io.switchboard.notify.EventStreams;
import io.switchboard.notify.NotificationEndpoint;
import io.switchboard.notify.Notifications;
import io.switchboard.notify.PublishApi;
import io.switchboard.ops.Check;
import io.switchboard.ops.HealthApi;
import io.switchboard.ops.Metrics;
import io.switchboard.ops.MetricsApi;
import io.switchboard.protocol.Codec;
import io.switchboard.store.Stores;
import io.switchboard.transport.Admission;
import io.switchboard.transport.SwitchboardConfigurator;
import io.switchboard.transport.Transport;
import io.switchboard.transport.Endpoints;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The composition root: builds every service from {@link Settings} once, and hands endpoints their
 * collaborators through the configurator. The standalone server and the WAR's listener both start
 * one of these; nothing else differs between them.
 */
public final class Switchboard implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Switchboard.class.getName());

    /** Where it runs, which decides the default identity mode (protocol section 6). */
    public enum Host {
        STANDALONE("dev"),
        CONTAINER("jwt");

        private final String defaultAuth;

        Host(String defaultAuth) {
            this.defaultAuth = defaultAuth;
        }
    }

    private final Limits limits;
    private final Codec codec = Codec.standard();
    private final Store store;
    private final SwitchboardConfigurator configurator;
    private final OriginPolicy origins;
    private final String auth;
    private final String publishKey;
    private final boolean publishKeyGenerated;
    private final Admission admission;
    private final Transport transport;
    private final Chat chat;
    private final Notifications notifications;
    private final PublishApi publishApi;
    private final RoomMessagesApi roomMessagesApi;
    private final EventStreams eventStreams;
    private final Metrics metrics;
    private final MetricsApi metricsApi;
    private final HealthApi healthApi;

    private Switchboard(Settings settings, Host host, Store store) {
        this.limits = Limits.from(settings);
        this.auth = settings.get("switchboard.auth", host.defaultAuth).toLowerCase(Locale.ROOT);
        this.origins = settings.get("switchboard.allowedOrigins").map(OriginPolicy::allowList)
                .orElseGet(OriginPolicy::sameOrigin);
        this.publishKeyGenerated = settings.get("switchboard.publishKey").isEmpty();
        this.publishKey = settings.get("switchboard.publishKey").orElseGet(PublishKey::random);
        PublishKey key = new PublishKey(publishKey);
        this.admission = Admission.from(settings);
        this.metrics = Metrics.from(settings);
        this.transport = new Transport(limits, authenticator(auth, settings), admission, metrics);
        Store own = store == null ? Stores.from(settings, host == Host.CONTAINER) : store;
        try {
            this.store = ClusterStore.around(own, settings, host == Host.CONTAINER);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
        this.chat = new Chat(this.store, codec.server(), limits, transport.connections(), metrics);
        this.notifications = new Notifications(this.store, codec.server(), limits, transport.connections(), metrics);
        this.publishApi = new PublishApi(notifications, this.store.publishIds(), key, codec, limits);
        this.roomMessagesApi = new RoomMessagesApi(chat, key, codec);
        this.eventStreams = new EventStreams(notifications, transport, origins, codec);
        this.configurator = new SwitchboardConfigurator(origins, admission, this::endpoint, metrics);
        this.healthApi = new HealthApi(readinessChecks());
        this.metricsApi = new MetricsApi(metrics, settings.get("switchboard.metricsKey").orElse(null));
        // Read on scrape only: walking the connections or asking the store never happens per frame.
        metrics.gauge("switchboard.queued.bytes", "Bytes (UTF-16 units) queued to all connections, in flight included",
                Map.of(), transport.connections()::queuedBytes);
        for (Check check : healthApi.checks()) {
            metrics.gauge("switchboard.check.up", "1 while a readiness check passes", Map.of("check", check.name()),
                    () -> check.isUp() ? 1 : 0);
        }
    }

    /**
     * What {@code /health/ready} requires: the store, and in a cluster, being part of it. Each
     * answers from a flag its owner keeps, never by a round trip.
     */
    private List<Check> readinessChecks() {
        if (store instanceof ClusterStore cluster) {
            return List.of(new Check("store", store::reachable), new Check("cluster", cluster::isMember));
        }
        return List.of(new Check("store", store::reachable));
    }

    /** Builds the services on the store the settings name. */
    public static Switchboard start(Settings settings, Host host) {
        return start(settings, host, null);
    }

    /** Builds the services on {@code store} (null: the one the settings name), as tests running several nodes do. */
    public static Switchboard start(Settings settings, Host host, Store store) {
        Switchboard switchboard = new Switchboard(settings, host, store);
        LOG.info(switchboard::startLine);
        return switchboard;
    }

    /** The one line an operator reads at start: identity mode, the store and its state, the cluster, metrics. */
    String startLine() {
        StringBuilder line = new StringBuilder("Switchboard started: auth=").append(auth)
                .append(", store=").append(store.kind()).append(store.reachable() ? " (reachable)" : " (UNREACHABLE)")
                .append(", cluster=").append(store.cluster()).append(", metrics=");
        line.append(!metrics.isEnabled() ? "off" : metricsApi.isProtected() ? "on (key required)" : "on (open)");
        return line.toString();
    }

    /** The endpoints to register with this server's container, each with this server's configurator. */
    public List<ServerEndpointConfig> endpointConfigs() {
        return List.of(
                Endpoints.config(ChatEndpoint.class, ChatEndpoint.PATH, configurator, codec.client(), limits.maxMessageBytes()),
                Endpoints.config(NotificationEndpoint.class, NotificationEndpoint.PATH, configurator, codec.client(),
                        limits.maxMessageBytes()));
    }

    /** @throws IllegalStateException for jwt without a usable key: such a server must not start */
    private static Authenticator authenticator(String auth, Settings settings) {
        Access defaults = new Access(
                Access.patterns(settings.get("switchboard.defaultRooms", "*")),
                Access.patterns(settings.get("switchboard.defaultTopics", "*")));
        return switch (auth) {
            case "dev" -> new GuestAuthenticator(defaults);
            case "jwt" -> JwtAuthenticator.from(settings, defaults);
            default -> throw new IllegalArgumentException("switchboard.auth must be 'jwt' or 'dev', not '" + auth + "'");
        };
    }

    private Object endpoint(Class<?> type) {
        if (type == ChatEndpoint.class) {
            return new ChatEndpoint(chat, transport);
        }
        if (type == NotificationEndpoint.class) {
            return new NotificationEndpoint(notifications, transport);
        }
        throw new IllegalArgumentException("not a Switchboard endpoint: " + type);
    }

    public Admission admission() {
        return admission;
    }

    public Limits limits() {
        return limits;
    }

    public Store store() {
        return store;
    }

    public Codec codec() {
        return codec;
    }

    public String auth() {
        return auth;
    }

    public String publishKey() {
        return publishKey;
    }

    /** True when no key was configured and this one was made up at start (to be printed in dev mode). */
    public boolean publishKeyGenerated() {
        return publishKeyGenerated;
    }

    public Transport transport() {
        return transport;
    }

    public Chat chat() {
        return chat;
    }

    public Notifications notifications() {
        return notifications;
    }

    public PublishApi publishApi() {
        return publishApi;
    }

    public RoomMessagesApi roomMessagesApi() {
        return roomMessagesApi;
    }

    /** The event-stream fallback for notifications (protocol section 12). */
    public EventStreams eventStreams() {
        return eventStreams;
    }

    public Metrics metrics() {
        return metrics;
    }

    public MetricsApi metricsApi() {
        return metricsApi;
    }

    public HealthApi healthApi() {
        return healthApi;
    }

    /** Closes every connection with 1001 (shutdown, undeploy). */
    @Override
    public void close() {
        transport.close();
        chat.close(); // writes the read marks not yet written, before the store goes
        store.close();
        metrics.close();
    }
}
