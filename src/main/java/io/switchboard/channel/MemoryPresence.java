package io.switchboard.channel;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Presence for one node. Bounded by the connections: an entry exists only while one is open. */
public final class MemoryPresence implements Presence {

    /** Channel to (user to connections), users in join order; guarded by {@code this}. */
    private final Map<String, LinkedHashMap<String, Integer>> channels = new HashMap<>();

    @Override
    public synchronized Change join(String channel, String user, String connection) {
        LinkedHashMap<String, Integer> users = channels.computeIfAbsent(channel, c -> new LinkedHashMap<>());
        boolean first = users.merge(user, 1, Integer::sum) == 1;
        return new Change(first, users.size());
    }

    @Override
    public synchronized Change leave(String channel, String user, String connection) {
        LinkedHashMap<String, Integer> users = channels.get(channel);
        if (users == null || !users.containsKey(user)) {
            return new Change(false, users == null ? 0 : users.size());
        }
        boolean last = users.merge(user, -1, Integer::sum) == 0;
        if (last) {
            users.remove(user);
        }
        int count = users.size();
        if (users.isEmpty()) {
            channels.remove(channel);
        }
        return new Change(last, count);
    }

    /** The channels with someone present. */
    public synchronized List<String> channels() {
        return List.copyOf(channels.keySet());
    }

    @Override
    public synchronized int count(String channel) {
        LinkedHashMap<String, Integer> users = channels.get(channel);
        return users == null ? 0 : users.size();
    }

    @Override
    public synchronized List<String> users(String channel, int max) {
        LinkedHashMap<String, Integer> users = channels.get(channel);
        return users == null ? List.of() : users.keySet().stream().limit(max).toList();
    }
}
