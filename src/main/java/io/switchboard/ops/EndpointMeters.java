package io.switchboard.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one kind of connection ({@code endpoint} label), resolved once and held by each
 * connection: every call is one increment. With metrics off the counters are null and the calls
 * branch past them.
 */
public final class EndpointMeters {

    private static final EndpointMeters NONE = new EndpointMeters(null, null, null);

    private final Counter received;
    private final Counter sent;
    private final Counter rateLimited;
    /** Open connections of this kind; read by the gauge when scraped. */
    private final AtomicInteger open = new AtomicInteger();

    private EndpointMeters(Counter received, Counter sent, Counter rateLimited) {
        this.received = received;
        this.sent = sent;
        this.rateLimited = rateLimited;
    }

    /** Meters that record nothing: for connections built outside a server (tests) and with metrics off. */
    public static EndpointMeters none() {
        return NONE;
    }

    static EndpointMeters register(MeterRegistry registry, String endpoint) {
        EndpointMeters meters = new EndpointMeters(
                Counter.builder("switchboard.frames.received").description("Frames received from clients, malformed ones included")
                        .tag("endpoint", endpoint).register(registry),
                Counter.builder("switchboard.frames.sent").description("Frames handed to the container's socket")
                        .tag("endpoint", endpoint).register(registry),
                Counter.builder("switchboard.rate.limited").description("rate_limited answers")
                        .tag("endpoint", endpoint).register(registry));
        Gauge.builder("switchboard.connections", meters.open, AtomicInteger::get).description("Open connections")
                .tag("endpoint", endpoint).strongReference(true).register(registry);
        return meters;
    }

    public void received() {
        if (received != null) {
            received.increment();
        }
    }

    public void sent() {
        if (sent != null) {
            sent.increment();
        }
    }

    public void rateLimited() {
        if (rateLimited != null) {
            rateLimited.increment();
        }
    }

    /** A connection of this kind was admitted. */
    public void opened() {
        if (this != NONE) {
            open.incrementAndGet();
        }
    }

    /** An admitted connection of this kind ended. */
    public void closed() {
        if (this != NONE) {
            open.decrementAndGet();
        }
    }

    /** Open connections of this kind now. */
    public int open() {
        return open.get();
    }
}
