package io.switchboard.transport;

/**
 * When the bytes being handled on this thread arrived, as far as the transport knows: the rate limits
 * count a frame at its arrival, not at the moment a busy or cold server gets round to it. Otherwise a
 * client pacing itself under the limit is limited whenever the server falls behind: its frames queue,
 * are handled in a clump, and look as if they had been sent in one. The standalone server stamps the
 * time its selector saw a connection become readable on the worker thread that reads it; where nothing
 * stamps (a container), the clock is the current time.
 */
public final class ArrivalClock {

    /** Guarded by being thread-confined; {@code Long.MIN_VALUE}: no stamp. */
    private static final ThreadLocal<long[]> STAMP = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    private ArrivalClock() {
    }

    /** Marks what this thread handles from now on as arrived at {@code nanos} ({@link System#nanoTime()}). */
    public static void arrivedAt(long nanos) {
        STAMP.get()[0] = nanos;
    }

    /** Ends the mark: this thread handles nothing that arrived, or no longer knows when. */
    public static void clear() {
        STAMP.get()[0] = Long.MIN_VALUE;
    }

    /** The arrival time of what this thread handles, else the current time. Never later than now. */
    public static long now() {
        long now = System.nanoTime();
        long stamp = STAMP.get()[0];
        return stamp == Long.MIN_VALUE || stamp - now > 0 ? now : stamp;
    }
}
