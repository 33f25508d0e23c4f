package io.switchboard.channel;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongFunction;

/** A {@link NumberedLog} on the heap: a ring of the latest {@code retention} items. */
public final class MemoryLog<T> implements NumberedLog<T> {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String epoch = Long.toString(RANDOM.nextLong() >>> 1, 36);
    /** Guarded by {@code this}, like {@link #latest}. Item with seq s sits at (s - 1) % ring.length. */
    private final Object[] ring;
    private long latest;

    public MemoryLog(int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1");
        }
        this.ring = new Object[retention];
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public synchronized long latest() {
        return latest;
    }

    @Override
    public synchronized T append(LongFunction<T> factory) {
        T item = factory.apply(latest + 1);
        ring[(int) (latest % ring.length)] = item;
        latest++;
        return item;
    }

    @Override
    public synchronized long firstRetained() {
        return Math.max(1, latest - ring.length + 1);
    }

    @Override
    public synchronized Recovery<T> recover(Long since, String epoch) {
        if (since == null) {
            return new Recovery<>(latestItems(LATEST_PAGE), null);
        }
        boolean complete = this.epoch.equals(epoch) && since >= 0 && since <= latest && since + 1 >= firstRetained();
        return complete
                ? new Recovery<>(range(since + 1, latest), true)
                : new Recovery<>(latestItems(LATEST_PAGE), false);
    }

    @Override
    public synchronized Page<T> before(Long before, int limit) {
        long end = before == null ? latest : Math.min(latest, before - 1);
        long start = Math.max(firstRetained(), end - limit + 1);
        if (end < start) {
            return new Page<>(List.of(), false);
        }
        return new Page<>(range(start, end), start > firstRetained());
    }

    @Override
    public synchronized List<T> after(long seq) {
        return range(Math.max(seq + 1, firstRetained()), latest);
    }

    private List<T> latestItems(int count) {
        return range(Math.max(firstRetained(), latest - count + 1), latest);
    }

    @SuppressWarnings("unchecked")
    private List<T> range(long from, long to) {
        if (to < from) {
            return List.of();
        }
        List<T> items = new ArrayList<>((int) (to - from + 1));
        for (long seq = from; seq <= to; seq++) {
            items.add((T) ring[(int) ((seq - 1) % ring.length)]);
        }
        return Collections.unmodifiableList(items);
    }
}
