package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @AfterEach
    void unstamp() {
        ArrivalClock.clear();
    }

    private static int acquired(RateLimiter limiter, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.tryAcquire()) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void aNewLimiterHasAFullBurstAndNoMore() {
        ArrivalClock.arrivedAt(System.nanoTime() - SECOND);
        RateLimiter limiter = new RateLimiter(10, 20);
        assertEquals(20, acquired(limiter, 25));
    }

    @Test
    void burstsCountAtTheirArrivalNotWhenTheyAreHandled() {
        long start = System.nanoTime() - 10 * SECOND;
        ArrivalClock.arrivedAt(start);
        RateLimiter limiter = new RateLimiter(10, 20);
        assertEquals(15, acquired(limiter, 15));
        // Handled just now, both bursts: the second arrived 1.875 s after the first, at 80 % of the rate.
        ArrivalClock.arrivedAt(start + 1875 * SECOND / 1000);
        assertEquals(15, acquired(limiter, 15));
        ArrivalClock.arrivedAt(start + 2 * 1875 * SECOND / 1000);
        assertEquals(15, acquired(limiter, 15));
    }

    @Test
    void withoutStampsTheSameBurstsHandledTogetherAreLimited() {
        RateLimiter limiter = new RateLimiter(10, 20);
        assertEquals(15, acquired(limiter, 15));
        int second = acquired(limiter, 15);
        assertEquals(true, second < 15, "the second burst, at once, is over the limit: " + second);
    }

    @Test
    void anEarlierStampNeverRefillsOrRunsTheClockBack() {
        long start = System.nanoTime() - 10 * SECOND;
        ArrivalClock.arrivedAt(start + 5 * SECOND);
        RateLimiter limiter = new RateLimiter(10, 20);
        assertEquals(20, acquired(limiter, 20));
        ArrivalClock.arrivedAt(start);
        assertEquals(0, acquired(limiter, 5));
        ArrivalClock.arrivedAt(start + 5 * SECOND + SECOND / 2);
        assertEquals(5, acquired(limiter, 10));
    }

    @Test
    void aStampInTheFutureIsNotBelieved() {
        ArrivalClock.arrivedAt(System.nanoTime() + 3600 * SECOND);
        long now = System.nanoTime();
        long clock = ArrivalClock.now();
        assertEquals(true, clock - now >= 0 && clock - now < SECOND, "the clock is the current time");
    }
}
