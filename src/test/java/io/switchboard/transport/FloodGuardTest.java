package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FloodGuardTest {

    @Test
    void fiftyStrikesAreTolerated_theFiftyFirstWithinTheWindowIsFlooding() {
        FloodGuard guard = new FloodGuard(50, Duration.ofSeconds(10));
        for (int i = 0; i < 50; i++) {
            assertFalse(guard.strike(), "strike " + (i + 1));
        }
        assertTrue(guard.strike());
    }

    @Test
    void strikesOutsideTheWindowDoNotCount() throws InterruptedException {
        FloodGuard guard = new FloodGuard(2, Duration.ofMillis(50));
        guard.strike();
        guard.strike();
        Thread.sleep(80);
        assertFalse(guard.strike());
    }

    @Test
    void aNewBucketStartsFullThenRefusesPastItsBurst() {
        RateLimiter limiter = new RateLimiter(0.001, 20);
        for (int i = 0; i < 20; i++) {
            assertTrue(limiter.tryAcquire());
        }
        assertFalse(limiter.tryAcquire());
    }
}
