package io.switchboard.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTest {

    @Test
    void patternsMatchWholeNamesWithStarsForAnyRun() {
        assertTrue(Access.matches("*", "anything"));
        assertTrue(Access.matches("team-*", "team-red"));
        assertTrue(Access.matches("team-*", "team-"));
        assertFalse(Access.matches("team-*", "teams"));
        assertTrue(Access.matches("*-ops", "site-ops"));
        assertTrue(Access.matches("a*b*c", "axxbyyc"));
        assertFalse(Access.matches("a*b*c", "axxbyy"));
        assertFalse(Access.matches("lobby", "lobby2"));
    }

    @Test
    void anEmptyListAllowsNothing() {
        Access none = new Access(List.of(), List.of());
        assertFalse(none.mayJoin("lobby"));
        assertFalse(none.maySubscribe("deploys"));
    }

    @Test
    void pathologicalPatternsStayLinear() {
        String name = "a".repeat(64);
        long start = System.nanoTime();
        assertFalse(Access.matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }
}
