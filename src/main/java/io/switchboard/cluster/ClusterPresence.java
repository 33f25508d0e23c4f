package io.switchboard.cluster;

import io.switchboard.channel.MemoryPresence;
import io.switchboard.channel.Presence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Presence over all nodes (protocol section 9), each node the owner of its own connections'
 * entries, as Phoenix's tracker does: this node counts its connections itself and tells the
 * others when one of its users arrives in or leaves a channel; it keeps a copy of what the others
 * told it, tagged with the node. So {@code join}, {@code count} and {@code users} answer from
 * memory, under a channel's lock, without a round trip.
 *
 * <p>A node that leaves the cluster (or dies: the grid removes a silent member within seconds)
 * takes its entries with it: the others drop them and tell their members who left. A node that
 * joins asks the others for their entries, and a node that missed a message from another asks it
 * again, so no entry outlives its connection.
 */
final class ClusterPresence implements Presence {

    private final MemoryPresence here = new MemoryPresence();
    private final Bus bus;
    /** Channel to (user to the other nodes where the user is present), users in arrival order; guarded by {@code this}. */
    private final Map<String, LinkedHashMap<String, Set<UUID>>> elsewhere = new HashMap<>();
    private volatile Departures departures = (channel, user, count) -> { };

    ClusterPresence(Bus bus) {
        this.bus = bus;
    }

    @Override
    public void onDeparture(Departures departures) {
        this.departures = departures;
    }

    @Override
    public synchronized Change join(String channel, String user, String connection) {
        return spread("+", here.join(channel, user, connection), channel, user);
    }

    @Override
    public synchronized Change leave(String channel, String user, String connection) {
        return spread("-", here.leave(channel, user, connection), channel, user);
    }

    /**
     * Tells the other nodes of a change on this one ({@code sign}: + joined, - left); the room hears
     * it only when no other node already had the user there, with the count over every node.
     */
    private Change spread(String sign, Change local, String channel, String user) {
        if (local.changed()) {
            bus.send(Bus.PRESENCE, Bus.PRESENCE_CHANGE, sign, channel, user);
        }
        return new Change(local.changed() && !isElsewhere(channel, user), count(channel));
    }

    @Override
    public synchronized int count(String channel) {
        return union(channel, Integer.MAX_VALUE).size();
    }

    @Override
    public synchronized List<String> users(String channel, int max) {
        return List.copyOf(union(channel, max));
    }

    private Set<String> union(String channel, int max) {
        Set<String> users = new LinkedHashSet<>(here.users(channel, max));
        LinkedHashMap<String, Set<UUID>> others = elsewhere.get(channel);
        if (others != null) {
            for (String user : others.keySet()) {
                if (users.size() >= max) {
                    break;
                }
                users.add(user);
            }
        }
        return users;
    }

    private boolean isElsewhere(String channel, String user) {
        LinkedHashMap<String, Set<UUID>> others = elsewhere.get(channel);
        return others != null && others.containsKey(user);
    }

    private boolean isHere(String channel, String user) {
        return here.users(channel, Integer.MAX_VALUE).contains(user);
    }

    // ---- what the other nodes say

    /** A presence message from {@code node}. */
    void received(UUID node, byte kind, List<String> fields) {
        switch (kind) {
            case Bus.PRESENCE_CHANGE -> changed(node, fields.get(0).equals("+"), fields.get(1), fields.get(2));
            case Bus.PRESENCE_SNAPSHOT -> replaced(node, fields);
            case Bus.PRESENCE_ASK -> {
                if (fields.get(0) == null || fields.get(0).equals(bus.self().toString())) {
                    announceAll();
                }
            }
            default -> { }
        }
    }

    private synchronized void changed(UUID node, boolean joined, String channel, String user) {
        if (joined) {
            elsewhere.computeIfAbsent(channel, c -> new LinkedHashMap<>()).computeIfAbsent(user, u -> new HashSet<>()).add(node);
        } else {
            drop(channel, user, node);
        }
    }

    /** The whole of {@code node}'s entries: what this node held of it before is replaced. */
    private void replaced(UUID node, List<String> entries) {
        List<String[]> departed = new ArrayList<>();
        synchronized (this) {
            Set<String> kept = new HashSet<>();
            for (int i = 0; i + 1 < entries.size(); i += 2) {
                changed(node, true, entries.get(i), entries.get(i + 1));
                kept.add(entries.get(i) + '\n' + entries.get(i + 1));
            }
            removeNode(node, kept, departed);
        }
        tell(departed);
    }

    /** {@code node} left the cluster: its users leave wherever no connection of theirs is left. */
    void nodeLeft(UUID node) {
        List<String[]> departed = new ArrayList<>();
        synchronized (this) {
            removeNode(node, Set.of(), departed);
        }
        tell(departed);
    }

    /** Drops {@code node} from every entry but {@code kept}, noting the users who are then nowhere. */
    private void removeNode(UUID node, Set<String> kept, List<String[]> departed) {
        for (Iterator<Map.Entry<String, LinkedHashMap<String, Set<UUID>>>> channels = elsewhere.entrySet().iterator(); channels.hasNext(); ) {
            Map.Entry<String, LinkedHashMap<String, Set<UUID>>> channel = channels.next();
            for (Iterator<Map.Entry<String, Set<UUID>>> users = channel.getValue().entrySet().iterator(); users.hasNext(); ) {
                Map.Entry<String, Set<UUID>> user = users.next();
                if (kept.contains(channel.getKey() + '\n' + user.getKey()) || !user.getValue().remove(node)) {
                    continue;
                }
                if (user.getValue().isEmpty()) {
                    users.remove();
                    if (!isHere(channel.getKey(), user.getKey())) {
                        departed.add(new String[] {channel.getKey(), user.getKey()});
                    }
                }
            }
            if (channel.getValue().isEmpty()) {
                channels.remove();
            }
        }
    }

    private void drop(String channel, String user, UUID node) {
        LinkedHashMap<String, Set<UUID>> users = elsewhere.get(channel);
        if (users == null) {
            return;
        }
        Set<UUID> nodes = users.get(user);
        if (nodes != null && nodes.remove(node) && nodes.isEmpty()) {
            users.remove(user);
            if (users.isEmpty()) {
                elsewhere.remove(channel);
            }
        }
    }

    private void tell(List<String[]> departed) {
        for (String[] d : departed) {
            departures.departed(d[0], d[1], count(d[0]));
        }
    }

    /** Sends this node's entries to every node (one joined, or one missed a message of ours). */
    synchronized void announceAll() {
        List<String> entries = new ArrayList<>();
        for (String channel : here.channels()) {
            for (String user : here.users(channel, Integer.MAX_VALUE)) {
                entries.add(channel);
                entries.add(user);
            }
        }
        bus.send(Bus.PRESENCE, Bus.PRESENCE_SNAPSHOT, entries.toArray(String[]::new));
    }

    /** Asks {@code node} (null: every node) for its entries. */
    void ask(UUID node) {
        bus.send(Bus.PRESENCE, Bus.PRESENCE_ASK, node == null ? null : node.toString());
    }
}
