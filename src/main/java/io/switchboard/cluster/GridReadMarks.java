package io.switchboard.cluster;

import com.hazelcast.map.IMap;
import io.switchboard.channel.ReadMarks;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Read marks in the grid (a cluster on the memory store), one map entry per log and user, raised
 * by compare-and-set so that two nodes raising one mark never lower it. Key-based only: Payara's
 * members cannot run this application's entry processors.
 */
final class GridReadMarks implements ReadMarks {

    private final IMap<String, Long> marks;
    private final ExecutorService calls;

    GridReadMarks(IMap<String, Long> marks, ExecutorService calls) {
        this.marks = marks;
        this.calls = calls;
    }

    private static String key(String log, String user) {
        return log + '\n' + user;
    }

    @Override
    public CompletableFuture<Long> get(String log, String user) {
        return GridCalls.call(calls, () -> {
            Long mark = marks.get(key(log, user));
            return mark == null ? 0L : mark;
        });
    }

    @Override
    public CompletableFuture<Long> advance(String log, String user, long upTo) {
        String key = key(log, user);
        return GridCalls.call(calls, () -> {
            while (true) {
                Long mark = marks.get(key);
                if (mark != null && mark >= upTo) {
                    return mark;
                }
                if (upTo <= 0) {
                    return 0L;
                }
                boolean raised = mark == null ? marks.putIfAbsent(key, upTo) == null : marks.replace(key, mark, upTo);
                if (raised) {
                    return upTo;
                }
            }
        });
    }

    @Override
    public CompletableFuture<Map<String, Long>> marks(String log, Collection<String> users) {
        Set<String> keys = new LinkedHashSet<>();
        users.forEach(user -> keys.add(key(log, user)));
        return GridCalls.call(calls, () -> {
            Map<String, Long> found = new HashMap<>();
            marks.getAll(keys).forEach((key, mark) -> {
                if (mark != null && mark > 0) {
                    found.put(key.substring(log.length() + 1), mark);
                }
            });
            return found;
        });
    }
}
