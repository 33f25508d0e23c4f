package io.switchboard.channel;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One log's items on the heap: a ring of the latest {@code retention}, their idempotency keys, and
 * the users' read marks. Lives in a {@link MemoryStore}, which bounds the bytes of all of them.
 */
final class MemoryLog<T> {

    private static final SecureRandom RANDOM = new SecureRandom();

    final String name;
    private final String epoch = Long.toString(RANDOM.nextLong() >>> 1, 36);
    /** Set by the first handle opened with it: read marks may reach a log before any handle does. */
    private Items<T> items;
    private final MemoryStore.Budget budget;
    /** Guarded by {@code this}, like everything below. Item with seq s sits at (s - 1) % ring.length. */
    private final Object[] ring;
    private final int[] weights;
    private long latest;
    private long bytes;
    /** Key to seq, pruned as the ring forgets, so bounded by retention. */
    private final Map<String, Long> keys = new HashMap<>();
    private final ArrayDeque<Map.Entry<Long, String>> keysBySeq = new ArrayDeque<>();
    private final Map<String, Long> marks = new HashMap<>();
    final List<NumberedLog.Listener<T>> listeners = new CopyOnWriteArrayList<>();

    MemoryLog(String name, int retention, Items<T> items, MemoryStore.Budget budget) {
        this.name = name;
        this.ring = new Object[retention];
        this.weights = new int[retention];
        this.items = items;
        this.budget = budget;
    }

    synchronized void adopt(Items<T> items) {
        if (this.items == null) {
            this.items = items;
        }
    }

    synchronized Position position() {
        return new Position(epoch, latest);
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized boolean isEmpty() {
        return latest == 0 && marks.isEmpty();
    }

    /**
     * Numbers and keeps {@code draft}, and tells the listeners under this log's lock, so they hear
     * items in seq order.
     *
     * @throws StoreFull when the store's byte budget refuses it
     */
    synchronized NumberedLog.Appended<T> append(T draft, String key) {
        Long first = key == null ? null : keys.get(key);
        if (first != null) {
            return new NumberedLog.Appended<>(item(first), true);
        }
        T item = items.withSeq(draft, latest + 1);
        int weight = items.json(item).length() * 2 + 64;
        int slot = (int) (latest % ring.length);
        int freed = ring[slot] == null ? 0 : weights[slot];
        if (!budget.reserve(weight - freed, this)) {
            throw new StoreFull("the server's memory for messages is full");
        }
        ring[slot] = item;
        weights[slot] = weight;
        bytes += weight - freed;
        latest++;
        forgetKeysBefore(Math.max(1, latest - ring.length + 1));
        if (key != null) {
            keys.put(key, latest);
            keysBySeq.addLast(Map.entry(latest, key));
        }
        for (NumberedLog.Listener<T> listener : listeners) {
            listener.appended(item);
        }
        return new NumberedLog.Appended<>(item, false);
    }

    synchronized List<T> read(long from, int max) {
        long start = Math.max(from, Math.max(1, latest - ring.length + 1));
        long end = Math.min(latest, start + max - 1);
        List<T> found = new ArrayList<>((int) Math.max(0, end - start + 1));
        for (long seq = start; seq <= end; seq++) {
            found.add(item(seq));
        }
        return found;
    }

    synchronized long mark(String user) {
        return marks.getOrDefault(user, 0L);
    }

    synchronized long advance(String user, long upTo) {
        long mark = Math.max(marks.getOrDefault(user, 0L), upTo);
        if (mark > 0) {
            marks.put(user, mark);
        }
        return mark;
    }

    synchronized Map<String, Long> marks(Iterable<String> users) {
        Map<String, Long> found = new HashMap<>();
        for (String user : users) {
            Long mark = marks.get(user);
            if (mark != null && mark > 0) {
                found.put(user, mark);
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private T item(long seq) {
        return (T) ring[(int) ((seq - 1) % ring.length)];
    }

    private void forgetKeysBefore(long firstRetained) {
        while (!keysBySeq.isEmpty() && keysBySeq.peekFirst().getKey() < firstRetained) {
            keys.remove(keysBySeq.pollFirst().getValue());
        }
        // Marks below the retained items say no more than no mark: drop them, so marks stay bounded too.
        if (marks.size() > ring.length) {
            marks.values().removeIf(mark -> mark < firstRetained - 1);
        }
    }
}
