package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RegistryTest {

    private final Set<String> busy = new HashSet<>();
    private final Registry<StringBuilder> registry = new Registry<>(2, StringBuilder::new,
            channel -> !busy.contains(channel.toString()));

    private StringBuilder open(String name) {
        return registry.with(name, Function.identity());
    }

    @Test
    void theSameNameGivesTheSameChannel() {
        assertSame(open("a"), open("a"));
    }

    @Test
    void pastItsBoundItForgetsTheLeastRecentlyUsedIdleChannel() {
        StringBuilder a = open("a");
        open("b");
        open("a");
        open("c");
        assertEquals(2, registry.size());
        assertNull(registry.find("b"));
        assertSame(a, registry.find("a"));
    }

    @Test
    void channelsInUseAreNeverForgotten() {
        busy.add("a");
        busy.add("b");
        StringBuilder a = open("a");
        open("b");
        assertThrows(Registry.AtCapacity.class, () -> open("c"));
        assertSame(a, open("a"));
        busy.remove("b");
        open("c");
        assertNotSame(null, registry.find("c"));
        assertNull(registry.find("b"));
    }
}
