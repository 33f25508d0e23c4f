package io.switchboard.store;

import io.switchboard.channel.Presence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence of one node, in memory: a database would only slow it down, and after a restart
 * nobody is connected anyway. (A stand-in until the core's own in-memory presence is shared by
 * every store; the cluster replaces it.)
 */
final class LocalPresence implements Presence {

    /** Users of one channel in join order, each with its connections; guarded by itself. */
    private static final class Members {
        final Map<String, Set<String>> users = new LinkedHashMap<>();
        boolean gone;
    }

    private final ConcurrentHashMap<String, Members> channels = new ConcurrentHashMap<>();

    @Override
    public Change join(String channel, String user, String connection) {
        while (true) {
            Members m = channels.computeIfAbsent(channel, k -> new Members());
            synchronized (m) {
                if (m.gone) {
                    continue;
                }
                Set<String> connections = m.users.computeIfAbsent(user, k -> new HashSet<>());
                boolean first = connections.isEmpty();
                connections.add(connection);
                return new Change(first, m.users.size());
            }
        }
    }

    @Override
    public Change leave(String channel, String user, String connection) {
        Members m = channels.get(channel);
        if (m == null) {
            return new Change(false, 0);
        }
        synchronized (m) {
            Set<String> connections = m.users.get(user);
            boolean last = connections != null && connections.remove(connection) && connections.isEmpty();
            if (last) {
                m.users.remove(user);
            }
            if (m.users.isEmpty() && !m.gone) {
                m.gone = true;
                channels.remove(channel, m);
            }
            return new Change(last, m.users.size());
        }
    }

    @Override
    public int count(String channel) {
        Members m = channels.get(channel);
        if (m == null) {
            return 0;
        }
        synchronized (m) {
            return m.users.size();
        }
    }

    @Override
    public List<String> users(String channel, int max) {
        Members m = channels.get(channel);
        if (m == null) {
            return List.of();
        }
        synchronized (m) {
            List<String> users = new ArrayList<>(Math.min(max, m.users.size()));
            for (String u : m.users.keySet()) {
                if (users.size() >= max) {
                    break;
                }
                users.add(u);
            }
            return users;
        }
    }
}
