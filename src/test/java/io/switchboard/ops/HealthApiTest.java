package io.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.http.ApiResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthApiTest {

    private final AtomicBoolean store = new AtomicBoolean(true);
    private final AtomicBoolean cluster = new AtomicBoolean(true);
    private final HealthApi health = new HealthApi(List.of(new Check("store", store::get), new Check("cluster", cluster::get)));

    @Test
    void readyIsUpWhenEveryCheckIs() {
        assertEquals(ApiResponse.of(200, "{\"status\":\"UP\"}"), health.ready());
    }

    @Test
    void readyIsDownWithEveryCheckListedWhenOneIsDown() {
        store.set(false);
        assertEquals(ApiResponse.of(503,
                "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"store\",\"status\":\"DOWN\"},{\"name\":\"cluster\",\"status\":\"UP\"}]}"),
                health.ready());
        store.set(true);
        assertEquals(200, health.ready().status(), "back by itself");
    }

    @Test
    void aCheckThatFailsCountsAsDown() {
        HealthApi failing = new HealthApi(List.of(new Check("store", () -> {
            throw new IllegalStateException("pool closed");
        })));
        assertEquals(503, failing.ready().status());
    }

    @Test
    void liveIsUpWhateverTheChecksSay() {
        store.set(false);
        assertEquals(ApiResponse.of(200, "{\"status\":\"UP\"}"), health.live());
    }
}
