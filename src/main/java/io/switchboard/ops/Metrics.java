package io.switchboard.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.Settings;
import io.switchboard.channel.LogStore;
import io.switchboard.protocol.CloseCode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every meter the server keeps (protocol section 10, and docs/operations.md), on a registry of its
 * own: never Micrometer's global registry, so a container's metrics and ours never meet, and two
 * servers in one JVM keep apart.
 *
 * <p>Hot paths hold meters resolved once ({@link EndpointMeters}, {@link ChannelMeters}): counting
 * is one increment, never a lookup by tags. With {@code switchboard.metrics=false} there is no
 * registry and every recording is a branch on a null field.
 */
public final class Metrics {

    /** The fixed buckets of every latency histogram, in seconds: 0.5 ms to 10 s. */
    static final Duration[] BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** The {@code endpoint} label: one per kind of connection. */
    public enum Endpoint {
        CHAT, NOTIFICATIONS,
        /** The event-stream fallback of section 12. */
        EVENTS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The {@code kind} label of what is published: a room's {@code say}, an inbox or a topic notification. */
    public enum Kind {
        MESSAGE, INBOX, TOPIC;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a connection was refused at or right after its handshake: the {@code reason} label. */
    public enum Refused {
        /** 403: an origin not allowed. */
        ORIGIN,
        /** 429 or 1013: too many handshakes from the address or by the user. */
        RATE,
        /** 4500 or 4001: no, a bad or an expired identity. */
        IDENTITY,
        /** 4501: a room this user may not join. */
        FORBIDDEN,
        /** 4502: an invalid room name. */
        NAME,
        /** 1008 or 1013: too many connections for the user, the address or the server. */
        LIMIT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The reason for a close code sent in place of a {@code welcome}. */
        public static Refused of(CloseCode code) {
            return switch (code) {
                case UNAUTHENTICATED, TOKEN_EXPIRED -> IDENTITY;
                case FORBIDDEN -> FORBIDDEN;
                case INVALID_NAME -> NAME;
                default -> LIMIT;
            };
        }
    }

    private final PrometheusMeterRegistry registry;
    private final Map<Endpoint, EndpointMeters> endpoints = new EnumMap<>(Endpoint.class);
    private final Map<Kind, ChannelMeters> channels = new EnumMap<>(Kind.class);
    private final Map<Refused, Counter> refusals = new EnumMap<>(Refused.class);
    /** Close code to its counter; the codes of {@link CloseCode} exist from the start, others as they happen. */
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
    private final Counter overflows;
    private final Timer storeAppends;
    private final Timer storeReads;

    private Metrics(boolean enabled) {
        this.registry = enabled ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        Timer fanout = registry == null ? null : Timer.builder("switchboard.fanout")
                .description("From an item being stored to its frame handed to the last member's queue and flushed")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        for (Endpoint endpoint : Endpoint.values()) {
            endpoints.put(endpoint, registry == null ? EndpointMeters.none() : EndpointMeters.register(registry, endpoint.label()));
        }
        for (Kind kind : Kind.values()) {
            channels.put(kind, registry == null ? ChannelMeters.none() : ChannelMeters.register(registry, kind.label(), fanout));
        }
        if (registry == null) {
            this.overflows = null;
            this.storeAppends = null;
            this.storeReads = null;
            return;
        }
        this.storeAppends = storeTimer("append");
        this.storeReads = storeTimer("read");
        for (Refused reason : Refused.values()) {
            refusals.put(reason, Counter.builder("switchboard.handshake.refusals")
                    .description("Connections refused at or right after the handshake, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
        for (CloseCode code : CloseCode.values()) {
            closeCounter(code.code());
        }
        closeCounter(1002); // protocol errors in frame headers (standalone frame guard, the container)
        this.overflows = Counter.builder("switchboard.queue.overflows")
                .description("Connections closed with 1013 because their outgoing queue passed its bound")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** {@code switchboard.metrics} (default true): false turns every recording into a no-op and {@code /metrics} into 404. */
    public static Metrics from(Settings settings) {
        return new Metrics(!settings.get("switchboard.metrics", "true").equalsIgnoreCase("false"));
    }

    public static Metrics enabled() {
        return new Metrics(true);
    }

    public static Metrics disabled() {
        return new Metrics(false);
    }

    public boolean isEnabled() {
        return registry != null;
    }

    private Timer storeTimer(String op) {
        return Timer.builder("switchboard.store").description("From a log call to the store's answer: append (stored, committed) or read")
                .tag("op", op).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** {@code logs} with appends and reads timed ({@code switchboard_store_seconds{op}}); {@code logs} itself with metrics off. */
    public LogStore timed(LogStore logs) {
        return registry == null ? logs : new TimedLogs(logs, storeAppends, storeReads);
    }

    public EndpointMeters endpoint(Endpoint endpoint) {
        return endpoints.get(endpoint);
    }

    public ChannelMeters channel(Kind kind) {
        return channels.get(kind);
    }

    /** The server sent a close frame with {@code code} (its own closes, refusals after the handshake, the container's). */
    public void closed(int code) {
        if (registry != null) {
            closeCounter(code).increment();
        }
    }

    private Counter closeCounter(int code) {
        return closes.computeIfAbsent(code, c -> Counter.builder("switchboard.closes")
                .description("Close frames the server sent, by code")
                .tag("code", Integer.toString(c)).register(registry));
    }

    public void queueOverflow() {
        if (overflows != null) {
            overflows.increment();
        }
    }

    public void refused(Refused reason) {
        if (registry != null) {
            refusals.get(reason).increment();
        }
    }

    /**
     * A gauge read when {@code /metrics} is scraped, never on the hot path (queued bytes over all
     * connections, whether the store is up). The supplier must not block.
     */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<Number> value) {
        if (registry == null) {
            return;
        }
        Gauge.Builder<Supplier<Number>> builder = Gauge.builder(name, value).description(description).strongReference(true);
        tags.forEach(builder::tag);
        builder.register(registry);
    }

    /** The Prometheus text format (version 0.0.4); empty when metrics are off. */
    public String scrape() {
        return registry == null ? "" : registry.scrape();
    }

    /** Stops the meters that hold resources (the registry itself holds no thread). */
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
