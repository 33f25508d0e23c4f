package io.switchboard.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one kind of channel ({@code kind} label: rooms, inboxes, topics), resolved once and
 * held by each channel. With metrics off every field is null and every call a branch.
 */
public final class ChannelMeters {

    private static final ChannelMeters NONE = new ChannelMeters(null, null, null, null, null, null);

    private final Counter published;
    private final Timer publish;
    private final Timer fanout;
    private final Counter recovered;
    private final Counter notRecovered;
    private final Counter noSince;

    private ChannelMeters(Counter published, Timer publish, Timer fanout, Counter recovered, Counter notRecovered,
                          Counter noSince) {
        this.published = published;
        this.publish = publish;
        this.fanout = fanout;
        this.recovered = recovered;
        this.notRecovered = notRecovered;
        this.noSince = noSince;
    }

    public static ChannelMeters none() {
        return NONE;
    }

    static ChannelMeters register(MeterRegistry registry, String kind, Timer fanout) {
        return new ChannelMeters(
                Counter.builder("switchboard.published").description("Items stored: says, inbox and topic notifications")
                        .tag("kind", kind).register(registry),
                Timer.builder("switchboard.publish").description("From receiving a say or a publish to the item being stored")
                        .tag("kind", kind).serviceLevelObjectives(Metrics.BUCKETS).register(registry),
                fanout,
                recoveries(registry, kind, "true"),
                recoveries(registry, kind, "false"),
                recoveries(registry, kind, "none"));
    }

    private static Counter recoveries(MeterRegistry registry, String kind, String recovered) {
        return Counter.builder("switchboard.recoveries")
                .description("Welcomes and subscribes by recovery result: true, false, or none (no since)")
                .tag("kind", kind).tag("recovered", recovered).register(registry);
    }

    public boolean isEnabled() {
        return published != null;
    }

    /** An item was stored (not a duplicate); {@code receivedNanos} is when its say or publish arrived ({@link System#nanoTime()}). */
    public void published(long receivedNanos) {
        if (published != null) {
            published.increment();
            publish.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** An item's frame reached every member here; {@code storedNanos} is when this node learnt it was stored. */
    public void fannedOut(long storedNanos) {
        if (fanout != null) {
            fanout.record(System.nanoTime() - storedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A welcome (or {@code subscribed}) went out: {@code recovered} true, false, or null without {@code since}. */
    public void recovery(Boolean recovered) {
        if (this.recovered != null) {
            (recovered == null ? noSince : recovered ? this.recovered : notRecovered).increment();
        }
    }
}
