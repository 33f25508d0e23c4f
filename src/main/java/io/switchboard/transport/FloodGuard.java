package io.switchboard.transport;

import java.time.Duration;

/**
 * Counts {@code rate_limited} answers: more than {@code strikes} of them within {@code window} and
 * the connection is flooding (protocol section 7: more than 50 within 10 s closes with 1008).
 */
final class FloodGuard {

    private final long windowNanos;
    private final int strikes;
    /**
     * The times of the latest strikes, a ring of strikes + 1; guarded by {@code this}. Made on the
     * first strike: most connections are never limited, and 51 longs each add up over 10,000 of them.
     */
    private long[] times;
    private int count;
    private int next;

    FloodGuard(int strikes, Duration window) {
        this.windowNanos = window.toNanos();
        this.strikes = strikes;
    }

    /** Records a strike; true when this one is past the limit. */
    synchronized boolean strike() {
        long now = System.nanoTime();
        if (times == null) {
            times = new long[strikes + 1];
        }
        times[next] = now;
        next = (next + 1) % times.length;
        count = Math.min(count + 1, times.length);
        // With the ring full, times[next] is the oldest of the last strikes + 1.
        return count == times.length && now - times[next] <= windowNanos;
    }
}
