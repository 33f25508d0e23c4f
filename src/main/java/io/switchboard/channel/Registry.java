package io.switchboard.channel;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Channels by name, at most {@code capacity} of them: clients name rooms and topics, so this map
 * must not grow with them. Past the bound the least recently used idle channel is forgotten (its
 * log with it: a client that comes back gets a new epoch and {@code recovered: false}).
 */
public final class Registry<C> {

    private final int capacity;
    private final Function<String, C> factory;
    private final Predicate<C> idle;
    /** Guarded by {@code this}; in access order, eldest first. */
    private final LinkedHashMap<String, C> channels = new LinkedHashMap<>(16, 0.75f, true);

    public Registry(int capacity, Function<String, C> factory, Predicate<C> idle) {
        this.capacity = capacity;
        this.factory = factory;
        this.idle = idle;
    }

    /**
     * Runs {@code action} on the channel, created when new. It runs under the registry's lock so
     * that the channel cannot be forgotten between being found and being joined; the action may
     * take the channel's own lock, never the other way round.
     *
     * @throws AtCapacity when the registry is full and no channel is idle
     */
    public synchronized <R> R with(String name, Function<C, R> action) {
        C channel = channels.get(name);
        if (channel == null) {
            if (channels.size() >= capacity && !forgetOneIdle()) {
                throw new AtCapacity(capacity);
            }
            channel = factory.apply(name);
            channels.put(name, channel);
        }
        return action.apply(channel);
    }

    /** The channel if it exists; does not create one. */
    public synchronized C find(String name) {
        return channels.get(name);
    }

    public synchronized int size() {
        return channels.size();
    }

    private boolean forgetOneIdle() {
        for (Iterator<Map.Entry<String, C>> it = channels.entrySet().iterator(); it.hasNext(); ) {
            if (idle.test(it.next().getValue())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** The registry holds {@code capacity} channels and every one of them is in use. */
    public static final class AtCapacity extends RuntimeException {
        AtCapacity(int capacity) {
            super("at capacity: " + capacity + " channels in use", null, false, false);
        }
    }
}
