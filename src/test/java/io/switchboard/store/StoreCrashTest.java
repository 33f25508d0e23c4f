package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store process killed with SIGKILL right after acknowledging writes loses none of them: the
 * reopened store has every acknowledged item at its seq, the same epoch, the read mark, the
 * publish ids, and answers a retried key with the first seq. On H2 this is what WRITE_DELAY=0
 * buys (H2's default would lose the last half second).
 */
class StoreCrashTest {

    @TempDir
    Path tmp;

    static Map<String, String> childSettings(TestDatabase db) {
        Map<String, String> s = new HashMap<>();
        if (db.kind == TestDatabase.Kind.H2) {
            s.put("switchboard.store", "embedded");
            s.put("switchboard.store.path", db.settings(Map.of()).get("switchboard.store.path").orElseThrow());
        } else {
            s.put("switchboard.store.url", db.url());
            s.put("switchboard.store.user", TestDatabase.PG_USER);
            s.put("switchboard.store.password", TestDatabase.PG_PASSWORD);
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aKilledProcessLosesNothingItAcknowledged(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            String epoch;
            Map<Long, String> acked = new HashMap<>();
            long mark = 0;
            Map<String, Long> ids = new HashMap<>();
            try (ChildJvm child = new ChildJvm(CrashChild.class, childSettings(db))) {
                epoch = child.await("EPOCH ").substring(6);
                child.await("READY");
                while (acked.size() < 400) {
                    String line = child.await("");
                    if (line.startsWith("ACK ")) {
                        String[] p = line.split(" ");
                        acked.put(Long.parseLong(p[1]), p[2]);
                    } else if (line.startsWith("MARK ")) {
                        mark = Math.max(mark, Long.parseLong(line.substring(5)));
                    } else if (line.startsWith("ID ")) {
                        String[] p = line.split(" ");
                        ids.put(p[1], Long.parseLong(p[2]));
                    } else {
                        fail("unexpected from the child: " + line);
                    }
                }
                child.kill();
                // What it printed before it died was acknowledged too.
                for (String line = child.lines.poll(); line != null && !line.equals("EOF"); line = child.lines.poll()) {
                    if (line.startsWith("ACK ")) {
                        String[] p = line.split(" ");
                        acked.put(Long.parseLong(p[1]), p[2]);
                    } else if (line.startsWith("MARK ")) {
                        mark = Math.max(mark, Long.parseLong(line.substring(5)));
                    } else if (line.startsWith("ID ")) {
                        String[] p = line.split(" ");
                        ids.put(p[1], Long.parseLong(p[2]));
                    }
                }
            }
            assertFalse(ids.isEmpty());
            try (JdbcStore store = db.open()) {
                NumberedLog<Note> room = store.logs().open("room:crash", Note.ITEMS);
                Position after = JdbcStoreTest.await(room.position());
                assertEquals(epoch, after.epoch(), "the same epoch after the crash");
                long top = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                assertTrue(after.latest() >= top, "latest " + after.latest() + " < acknowledged " + top);
                Map<Long, String> stored = new HashMap<>();
                for (Note n : JdbcStoreTest.await(room.read(1, 10_000))) {
                    stored.put(n.seq(), n.text());
                }
                for (Map.Entry<Long, String> a : acked.entrySet()) {
                    assertEquals(a.getValue(), stored.get(a.getKey()), "acknowledged seq " + a.getKey());
                }
                assertEquals(JdbcStoreTest.range(1, after.latest()), new ArrayList<>(new java.util.TreeSet<>(stored.keySet())),
                        "no gap");
                // A retried key is answered with the first seq.
                Map.Entry<Long, String> some = acked.entrySet().iterator().next();
                String[] writerAndIndex = some.getValue().split("-");
                NumberedLog.Appended<Note> retried = JdbcStoreTest.await(room.append(Note.draft("retry"),
                        writerAndIndex[0] + "\n" + writerAndIndex[1]));
                assertTrue(retried.duplicate());
                assertEquals(some.getKey(), retried.item().seq());

                assertTrue(JdbcStoreTest.await(store.readMarks().get("inbox:alice", "alice")) >= mark);
                for (Map.Entry<String, Long> id : ids.entrySet()) {
                    assertEquals("{\"seq\":" + id.getValue() + "}", JdbcStoreTest.await(store.publishIds().claim(id.getKey())));
                }
            }
        }
    }

    @Test
    void aSecondProcessOnTheSameEmbeddedPathStopsWithOneLineNamingThePath() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2, tmp);
                ChildJvm child = new ChildJvm(CrashChild.class, childSettings(db))) {
            child.await("READY");
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Stores.from(db.settings(Map.of()), false));
            assertTrue(e.getMessage().startsWith("switchboard.store.path: "), e.getMessage());
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
