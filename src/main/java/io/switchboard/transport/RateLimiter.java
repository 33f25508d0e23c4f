package io.switchboard.transport;

/** A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up; starts full. */
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
        this.last = System.nanoTime();
    }

    public synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
