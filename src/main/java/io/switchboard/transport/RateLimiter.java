package io.switchboard.transport;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up; starts full.
 * Time is the arrival time of the frame or request being handled ({@link ArrivalClock}), so work that
 * queued behind a busy server is not counted as a burst; it never runs backwards for the bucket.
 */
public final class RateLimiter {

    private final double perNano;
    private final double burst;
    /** Guarded by {@code this}. */
    private double tokens;
    private long last;

    public RateLimiter(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = ArrivalClock.now();
    }

    public synchronized boolean tryAcquire() {
        long now = ArrivalClock.now();
        if (now - last > 0) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
