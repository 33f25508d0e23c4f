package io.switchboard.channel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This node's channels by name. A channel is held while something uses it (a member, a publish in
 * flight) and is never forgotten then; at most {@code maxIdle} idle ones are kept, the least recently
 * used forgotten first. Forgetting a channel loses nothing: its log lives in the store. So no bound
 * here is one a client can use up for others: held channels are bounded by the connections and
 * their own limits.
 *
 * <p>The lock guards the map only: channels are created and retired outside it, so no log call
 * ever happens under this node-wide lock.
 */
public final class Registry<C> {

    private final int maxIdle;
    private final Function<String, C> factory;
    private final Consumer<C> retire;
    /** Guarded by {@code this}, like {@link #idle}. */
    private final Map<String, Slot<C>> channels = new HashMap<>();
    /** The idle ones, least recently used first. */
    private final LinkedHashMap<String, Slot<C>> idle = new LinkedHashMap<>(16, 0.75f, true);

    public Registry(int maxIdle, Function<String, C> factory, Consumer<C> retire) {
        this.maxIdle = maxIdle;
        this.factory = factory;
        this.retire = retire;
    }

    private static final class Slot<C> {
        final C channel;
        int holds;

        Slot(C channel) {
            this.channel = channel;
        }
    }

    /** The channel named, created when new, held until {@link #release}. */
    public C acquire(String name) {
        synchronized (this) {
            Slot<C> slot = channels.get(name);
            if (slot != null) {
                hold(name, slot);
                return slot.channel;
            }
        }
        C fresh = factory.apply(name);
        C found;
        synchronized (this) {
            Slot<C> slot = channels.get(name);
            if (slot == null) {
                slot = new Slot<>(fresh);
                channels.put(name, slot);
            }
            hold(name, slot);
            found = slot.channel;
        }
        if (found != fresh) {
            retire.accept(fresh);
        }
        return found;
    }

    private void hold(String name, Slot<C> slot) {
        if (slot.holds++ == 0) {
            idle.remove(name);
        }
    }

    public void release(String name, C channel) {
        List<C> retired = new ArrayList<>();
        synchronized (this) {
            Slot<C> slot = channels.get(name);
            if (slot == null || slot.channel != channel || slot.holds == 0) {
                return;
            }
            if (--slot.holds == 0) {
                idle.put(name, slot);
                for (Iterator<Map.Entry<String, Slot<C>>> it = idle.entrySet().iterator(); idle.size() > maxIdle && it.hasNext(); ) {
                    Map.Entry<String, Slot<C>> eldest = it.next();
                    it.remove();
                    channels.remove(eldest.getKey());
                    retired.add(eldest.getValue().channel);
                }
            }
        }
        retired.forEach(retire);
    }

    /** The channel if this node has it; holds nothing. */
    public synchronized C find(String name) {
        Slot<C> slot = channels.get(name);
        return slot == null ? null : slot.channel;
    }

    public synchronized int size() {
        return channels.size();
    }
}
