package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest {

    private final List<StringBuilder> retired = new ArrayList<>();
    private final Registry<StringBuilder> registry = new Registry<>(2, StringBuilder::new, retired::add);

    private StringBuilder touch(String name) {
        StringBuilder channel = registry.acquire(name);
        registry.release(name, channel);
        return channel;
    }

    @Test
    void theSameNameGivesTheSameChannel() {
        assertSame(registry.acquire("a"), registry.acquire("a"));
    }

    @Test
    void pastItsBoundItForgetsTheLeastRecentlyUsedIdleChannel() {
        StringBuilder a = touch("a");
        StringBuilder b = touch("b");
        touch("a");
        touch("c");
        assertEquals(2, registry.size());
        assertNull(registry.find("b"));
        assertSame(a, registry.find("a"));
        assertEquals(List.of(b), retired, "a forgotten channel is retired (its log handle closed)");
    }

    @Test
    void heldChannelsAreNeverForgottenAndNeverRefused() {
        StringBuilder a = registry.acquire("a");
        StringBuilder b = registry.acquire("b");
        StringBuilder c = registry.acquire("c");
        for (int i = 0; i < 10; i++) {
            touch("idle-" + i);
        }
        assertSame(a, registry.find("a"));
        assertSame(b, registry.find("b"));
        assertSame(c, registry.find("c"));
        assertEquals(5, registry.size(), "three held plus at most two idle");
        assertTrue(retired.stream().noneMatch(r -> r == a || r == b || r == c));
    }

    @Test
    void aChannelHeldTwiceStaysUntilBothRelease() {
        StringBuilder a = registry.acquire("a");
        registry.acquire("a");
        registry.release("a", a);
        touch("b");
        touch("c");
        touch("d");
        assertSame(a, registry.find("a"));
        registry.release("a", a);
        touch("e");
        touch("f");
        assertNull(registry.find("a"));
    }
}
