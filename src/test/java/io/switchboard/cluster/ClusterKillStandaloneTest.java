package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.store.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protocol section 9's failure promise: one of three nodes is killed with SIGKILL while senders on
 * every node say into one room. No message any node acknowledged is missing from the survivors'
 * members (each still sees 1, 2, 3, … without a gap), the dead node's users leave within 15 s, and
 * its client reconnects to a survivor and recovers with {@code recovered: true}. With the memory
 * store (the grid's rings and their backups) and with PostgreSQL (the record, shared by the nodes).
 */
class ClusterKillStandaloneTest {

    static final long LEAVE_WITHIN_MILLIS = 15_000;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "postgresql"})
    void killingANodeUnderTrafficLosesNothingAcknowledged(String store) throws Exception {
        TestDatabase db = store.equals("postgresql") ? TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tmp) : null;
        Map<String, String> settings = new HashMap<>();
        if (db == null) {
            settings.putAll(Nodes.memory());
        } else {
            settings.put("switchboard.store.url", db.url());
            settings.put("switchboard.store.user", TestDatabase.PG_USER);
            settings.put("switchboard.store.password", TestDatabase.PG_PASSWORD);
        }
        List<WsRecorder> open = new ArrayList<>();
        try (Nodes nodes = new Nodes(3, settings)) {
            nodes.awaitFormed();
            List<WsRecorder> members = new ArrayList<>();
            List<WsRecorder> senders = new ArrayList<>();
            for (int node = 0; node < 3; node++) {
                WsRecorder member = WsRecorder.open(nodes.ws(node, "/chat/kill?user=m" + node));
                member.expect(Welcome.class);
                members.add(member);
                WsRecorder sender = WsRecorder.open(nodes.ws(node, "/chat/kill?user=s" + node));
                sender.expect(Welcome.class);
                senders.add(sender);
            }
            open.addAll(members);
            open.addAll(senders);
            Set<Long> acked = new ConcurrentSkipListSet<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<?>> loops = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                WsRecorder sender = senders.get(s);
                int index = s;
                loops.add(pool.submit(() -> {
                    for (int i = 0; sending.get() && i < 2_000; i++) {
                        String ref = "r" + i;
                        try {
                            sender.send("{\"type\":\"say\",\"text\":\"s" + index + "-" + i + "\",\"ref\":\"" + ref + "\"}");
                            acked.add(sender.await(Ack.class, a -> ref.equals(a.ref())).seq());
                        } catch (AssertionError | RuntimeException dead) {
                            return; // the killed node's sender: what it had acknowledged is in acked
                        }
                    }
                }));
            }
            Thread.sleep(1_500);
            nodes.processes.get(2).kill();
            long killed = System.nanoTime();
            Thread.sleep(1_500);
            sending.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(acked.size() > 20, "traffic before and after the kill: " + acked.size());
            long last = ((ConcurrentSkipListSet<Long>) acked).last();

            // The survivors' members: every seq up to the last acknowledged, in order, none missing.
            for (int node = 0; node < 2; node++) {
                WsRecorder member = members.get(node);
                Set<String> left = new TreeSet<>();
                long expected = 1;
                while (expected <= last) {
                    var frame = member.await(io.switchboard.protocol.ServerMessage.class,
                            f -> f instanceof Message || f instanceof Presence);
                    if (frame instanceof Presence p) {
                        if (p.event().equals("leave")) {
                            left.add(p.user());
                        }
                        continue;
                    }
                    assertEquals(expected, ((Message) frame).seq(), "node " + node + ": seqs follow each other without a gap");
                    expected++;
                }
                // The dead node's users leave, within 15 s of the kill.
                while (left.size() < 2) {
                    Presence p = member.await(Presence.class, f -> f.event().equals("leave"));
                    left.add(p.user());
                }
                long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                assertEquals(Set.of("m2", "s2"), left, "the dead node's users left");
                assertTrue(after < LEAVE_WITHIN_MILLIS + 5_000, "left " + after + " ms after the kill");
            }

            // The dead node's member reconnects to a survivor and recovers what it missed.
            Welcome before = null;
            try (WsRecorder probe = WsRecorder.open(nodes.ws(0, "/chat/kill?user=probe"))) {
                before = probe.expect(Welcome.class);
            }
            String epoch = before.epoch();
            try (WsRecorder back = WsRecorder.open(nodes.ws(1, "/chat/kill?user=m2&since=0&epoch=" + epoch))) {
                Welcome welcome = back.expect(Welcome.class);
                assertEquals(Boolean.TRUE, welcome.recovered(), "recovered on another node");
                assertEquals(epoch, welcome.epoch(), "the same epoch: nothing was lost");
                long next = 1;
                for (Message m : welcome.messages()) {
                    assertEquals(next++, m.seq());
                }
                while (next <= last) {
                    assertEquals(next++, back.await(Message.class).seq(), "the rest follows in order");
                }
            }
        } finally {
            open.forEach(WsRecorder::close);
            if (db != null) {
                db.close();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aRollingRestartLeavesNoZombiePresence() throws Exception {
        try (Nodes nodes = new Nodes(2, Nodes.memory())) {
            nodes.awaitFormed();
            try (WsRecorder watcher = WsRecorder.open(nodes.ws(0, "/chat/rolling?user=watcher"))) {
                watcher.expect(Welcome.class);
                WsRecorder zed = WsRecorder.open(nodes.ws(1, "/chat/rolling?user=zed"));
                zed.expect(Welcome.class);
                assertEquals("join", watcher.await(Presence.class, p -> p.user().equals("zed")).event());

                nodes.restart(1);
                zed.close();
                assertEquals("leave", watcher.await(Presence.class, p -> p.user().equals("zed")).event(),
                        "the stopped node's user left");
                nodes.awaitFormed();
                try (WsRecorder look = WsRecorder.open(nodes.ws(1, "/chat/rolling?user=look"))) {
                    Welcome welcome = look.expect(Welcome.class);
                    assertEquals(Set.of("watcher", "look"), Set.copyOf(welcome.members()),
                            "the restarted node knows the watcher and no zombie: " + welcome.members());
                }
                try (WsRecorder again = WsRecorder.open(nodes.ws(1, "/chat/rolling?user=zed"))) {
                    again.expect(Welcome.class);
                    Presence back = watcher.await(Presence.class, p -> p.user().equals("zed"));
                    assertEquals("join", back.event());
                    assertEquals(2, back.count(), "watcher and zed: no zombie counted");
                }
            }
        }
    }
}
