package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.NumberedLog.Appended;
import io.switchboard.channel.Position;
import io.switchboard.channel.StoreUnavailable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The JDBC store against embedded H2 and a real PostgreSQL, the same behaviour from both. */
class JdbcStoreTest {

    @TempDir
    Path tmp;

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer from the store within 30 s", e);
        }
    }

    static List<Long> seqs(List<Note> notes) {
        return notes.stream().map(Note::seq).collect(Collectors.toList());
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void concurrentAppendersAcrossManyLogsGetEverySeqOnce(TestDatabase.Kind kind) throws Exception {
        int threads = 8;
        int logs = 40;
        int perThreadPerLog = 5;
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            List<NumberedLog<Note>> handles = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                handles.add(store.logs().open("room:r" + l, Note.ITEMS));
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<Appended<Note>>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    List<CompletableFuture<Appended<Note>>> mine = new ArrayList<>();
                    for (int i = 0; i < perThreadPerLog; i++) {
                        for (int l = 0; l < logs; l++) {
                            mine.add(handles.get(l).append(Note.draft("t" + thread + "-" + i), null));
                        }
                    }
                    List<Appended<Note>> answers = new ArrayList<>();
                    for (CompletableFuture<Appended<Note>> f : mine) {
                        answers.add(await(f));
                    }
                    return answers;
                }));
            }
            int answered = 0;
            for (Future<List<Appended<Note>>> f : done) {
                answered += f.get(60, TimeUnit.SECONDS).size();
            }
            pool.shutdown();
            assertEquals(threads * logs * perThreadPerLog, answered);
            long each = (long) threads * perThreadPerLog;
            for (NumberedLog<Note> log : handles) {
                assertEquals(each, await(log.position()).latest());
                List<Note> all = await(log.read(1, 1000));
                assertEquals(range(1, each), seqs(all), "every seq once, in order, no gaps");
                assertEquals(each, all.stream().map(Note::text).distinct().count(), "every draft stored once");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRetriedKeyIsAnsweredWithTheFirstItem(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            NumberedLog<Note> log = store.logs().open("room:lobby", Note.ITEMS);
            Appended<Note> first = await(log.append(Note.draft("hello"), "alice\nr1"));
            await(log.append(Note.draft("other"), "bob\nr1"));
            Appended<Note> retry = await(log.append(Note.draft("hello again"), "alice\nr1"));
            assertFalse(first.duplicate());
            assertTrue(retry.duplicate());
            assertEquals(first.item(), retry.item(), "the first item, as stored");

            // The same key twice in one batch: stored once, the second answered with the first.
            List<CompletableFuture<Appended<Note>>> burst = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                burst.add(log.append(Note.draft("burst " + i), "carol\nsame"));
            }
            Set<Long> seqs = burst.stream().map(f -> await(f).item().seq()).collect(Collectors.toSet());
            assertEquals(1, seqs.size());
            assertEquals(1, burst.stream().filter(f -> !await(f).duplicate()).count());
            assertEquals(3, await(log.position()).latest());
            assertEquals(3, db.count("SELECT COUNT(*) FROM log_entry"));

            // Keys belong to their log: the same key elsewhere is new.
            NumberedLog<Note> other = store.logs().open("room:other", Note.ITEMS);
            assertFalse(await(other.append(Note.draft("hello"), "alice\nr1")).duplicate());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void epochLatestAndItemsSurviveAReopen(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            Position before;
            Position emptyBefore;
            try (JdbcStore store = db.open()) {
                NumberedLog<Note> log = store.logs().open("inbox:alice", Note.ITEMS);
                for (int i = 1; i <= 7; i++) {
                    await(log.append(Note.draft("n" + i), "id-" + i));
                }
                before = await(log.position());
                emptyBefore = await(store.logs().open("room:quiet", Note.ITEMS).position());
            }
            try (JdbcStore store = db.open()) {
                NumberedLog<Note> log = store.logs().open("inbox:alice", Note.ITEMS);
                assertEquals(before, await(log.position()));
                assertEquals(new Position(before.epoch(), 7), before);
                assertEquals(List.of("n5", "n6", "n7"),
                        await(log.read(5, 10)).stream().map(Note::text).collect(Collectors.toList()));
                Appended<Note> retried = await(log.append(Note.draft("again"), "id-3"));
                assertTrue(retried.duplicate());
                assertEquals(3, retried.item().seq());
                assertEquals(8, await(log.append(Note.draft("n8"), "id-8")).item().seq());
                assertEquals(before.epoch(), await(log.position()).epoch());

                NumberedLog<Note> quiet = store.logs().open("room:quiet", Note.ITEMS);
                assertEquals(emptyBefore, await(quiet.position()), "an empty log's epoch, once seen, stays");
                await(quiet.append(Note.draft("first"), null));
                assertEquals(new Position(emptyBefore.epoch(), 1), await(quiet.position()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void retentionDeletesOldRowsInBoundedBatches(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp);
                JdbcStore store = db.open(c -> c.withRetention(5).withCleaning(java.time.Duration.ofHours(1),
                        java.time.Duration.ofDays(1), 10))) {
            NumberedLog<Note> log = store.logs().open("room:busy", Note.ITEMS);
            List<CompletableFuture<Appended<Note>>> all = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                all.add(log.append(Note.draft("m" + i), "u\nref" + i));
            }
            all.forEach(JdbcStoreTest::await);
            assertEquals(100, db.count("SELECT COUNT(*) FROM log_entry"), "nothing deleted before the cleaner runs");
            assertEquals(range(96, 100), seqs(await(log.read(1, 100))), "yet reads see only the retained items");
            assertTrue(await(log.append(Note.draft("again"), "u\nref97")).duplicate(), "a retained key still holds");

            store.cleaner().runOnce();
            assertEquals(5, db.count("SELECT COUNT(*) FROM log_entry"));
            assertTrue(store.cleaner().deleteStatements.sum() >= 10, "95 rows in DELETEs of at most 10 rows");
            assertEquals(95, store.cleaner().entriesDeleted.sum());

            Appended<Note> reused = await(log.append(Note.draft("new"), "u\nref1"));
            assertFalse(reused.duplicate(), "a key expires with its item");
            assertEquals(101, reused.item().seq());
            // A key whose item is beyond retention but whose row the cleaner has not reached yet is free too.
            for (int i = 102; i <= 110; i++) {
                await(log.append(Note.draft("m" + i), null));
            }
            Appended<Note> late = await(log.append(Note.draft("late"), "u\nref100"));
            assertFalse(late.duplicate());
            assertEquals(111, late.item().seq());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void readMarksNeverGoDownAndSurviveAReopen(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            try (JdbcStore store = db.open()) {
                assertEquals(0L, await(store.readMarks().get("inbox:alice", "alice")));
                assertEquals(5L, await(store.readMarks().advance("inbox:alice", "alice", 5)));
                assertEquals(5L, await(store.readMarks().advance("inbox:alice", "alice", 3)), "never down");
                assertEquals(9L, await(store.readMarks().advance("inbox:alice", "alice", 9)));
                assertEquals(2L, await(store.readMarks().advance("room:lobby", "bob", 2)));
                assertEquals(0L, await(store.readMarks().advance("room:lobby", "carol", 0)));
                // Concurrent raises: the highest wins whatever the order.
                List<CompletableFuture<Long>> raises = new ArrayList<>();
                for (long m = 20; m >= 10; m--) {
                    raises.add(store.readMarks().advance("room:lobby", "dave", m));
                }
                raises.forEach(JdbcStoreTest::await);
                assertEquals(20L, await(store.readMarks().get("room:lobby", "dave")));
            }
            try (JdbcStore store = db.open()) {
                assertEquals(9L, await(store.readMarks().get("inbox:alice", "alice")));
                assertEquals(Map.of("bob", 2L, "dave", 20L),
                        await(store.readMarks().marks("room:lobby", List.of("bob", "carol", "dave", "erin"))));
                assertEquals(9L, await(store.readMarks().advance("inbox:alice", "alice", 4)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void publishIdsAreBoundedOldestFirstAndSurviveAReopen(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            try (JdbcStore store = db.open(c -> c.withMaxPublishIds(3))) {
                for (int i = 1; i <= 5; i++) {
                    assertNull(await(store.publishIds().claim("id" + i)), "a new id is the caller's");
                    await(store.publishIds().complete("id" + i, "{\"seq\":" + i + "}"));
                }
                assertEquals("{\"seq\":2}", await(store.publishIds().claim("id2")), "kept until the cleaner runs");
                store.cleaner().runOnce();
                assertEquals(3, db.count("SELECT COUNT(*) FROM publish_id"));
            }
            try (JdbcStore store = db.open(c -> c.withMaxPublishIds(3))) {
                assertEquals("{\"seq\":5}", await(store.publishIds().claim("id5")));
                assertEquals("{\"seq\":3}", await(store.publishIds().claim("id3")));
                assertNull(await(store.publishIds().claim("id1")), "the oldest were forgotten first");
                store.publishIds().abandon("id1");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSecondClaimWaitsForTheFirstOwner(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            assertNull(await(store.publishIds().claim("x")));
            CompletableFuture<String> second = store.publishIds().claim("x");
            Thread.sleep(100);
            assertFalse(second.isDone(), "waits while the first is in flight");
            await(store.publishIds().complete("x", "first answer"));
            assertEquals("first answer", await(second));

            assertNull(await(store.publishIds().claim("y")));
            CompletableFuture<String> next = store.publishIds().claim("y");
            store.publishIds().abandon("y");
            assertNull(await(next), "an abandoned id passes to the next claimer");
            store.publishIds().abandon("y");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void groupCommitPutsManyWritesInOneTransaction(TestDatabase.Kind kind) throws Exception {
        int threads = 16;
        int each = 100;
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                // Each sender waits for its own ack before the next, as a client does.
                done.add(pool.submit(() -> {
                    NumberedLog<Note> log = store.logs().open("room:r" + (thread % 4), Note.ITEMS);
                    for (int i = 0; i < each; i++) {
                        await(log.append(Note.draft("m"), "s" + thread + "\n" + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Map<String, Long> stats = store.writeStats();
            long appends = stats.get("appends");
            long transactions = stats.get("transactions");
            assertEquals(threads * each, appends);
            double perCommit = (double) appends / transactions;
            System.out.printf("group commit on %s: %d appends in %d transactions (%.1f per commit)%n", kind, appends,
                    transactions, perCommit);
            assertTrue(perCommit > 2, "16 waiting senders share commits: " + appends + " appends in "
                    + transactions + " transactions");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void listenersHearEveryCommittedItemOnceInSeqOrderBeforeItsAck(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            NumberedLog<Note> listening = store.logs().open("topic:deploys", Note.ITEMS);
            List<Long> heard = new CopyOnWriteArrayList<>();
            listening.listen(item -> heard.add(item.seq()));
            NumberedLog<Note> writing = store.logs().open("topic:deploys", Note.ITEMS);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            List<String> lateAcks = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        Appended<Note> a = await(writing.append(Note.draft("x"), "t" + thread + "\n" + i));
                        if (!heard.contains(a.item().seq())) {
                            lateAcks.add("seq " + a.item().seq() + " acked before it was heard");
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(range(1, 200), heard);
            assertEquals(List.of(), lateAcks);

            // A duplicate is not heard again; a closed handle hears nothing.
            await(writing.append(Note.draft("again"), "t0\n0"));
            listening.close();
            await(writing.append(Note.draft("unheard"), null));
            assertEquals(200, heard.size());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aWipedDatabaseStartsANewEpochAndListenersHearReset(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            NumberedLog<Note> log = store.logs().open("room:lobby", Note.ITEMS);
            List<Object> heard = new CopyOnWriteArrayList<>();
            log.listen(new NumberedLog.Listener<>() {
                @Override
                public void appended(Note item) {
                    heard.add(item.seq());
                }

                @Override
                public void reset(Position position) {
                    heard.add(position);
                }
            });
            for (int i = 0; i < 3; i++) {
                await(log.append(Note.draft("m"), null));
            }
            Position before = await(log.position());
            db.execute("DELETE FROM log_entry");
            db.execute("DELETE FROM stream_meta");
            Appended<Note> after = await(log.append(Note.draft("after the wipe"), null));
            assertEquals(1, after.item().seq());
            Position now = await(log.position());
            assertNotEquals(before.epoch(), now.epoch(), "items were lost: a new epoch");
            assertEquals(List.of(1L, 2L, 3L, new Position(now.epoch(), 0), 1L), heard);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void emptyLogsLoseTheirRowAfterTheirAgeAndLogsWithItemsKeepIt(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp);
                JdbcStore store = db.open(c -> c.withCleaning(java.time.Duration.ofHours(1), java.time.Duration.ZERO, 10))) {
            NumberedLog<Note> empty = store.logs().open("room:named-by-anyone", Note.ITEMS);
            NumberedLog<Note> used = store.logs().open("room:used", Note.ITEMS);
            Position seen = await(empty.position());
            await(used.append(Note.draft("kept"), null));
            Thread.sleep(5);
            store.cleaner().runOnce();
            assertEquals(1, db.count("SELECT COUNT(*) FROM stream_meta"));
            assertEquals(1, await(used.position()).latest());
            // This node still knows the epoch it showed: the row comes back with it on the first append.
            await(empty.append(Note.draft("at last"), null));
            assertEquals(new Position(seen.epoch(), 1), await(empty.position()));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFullQueueRefusesAsUnavailableAndStoresNothingOfIt(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open(c -> c.withQueueBound(2))) {
            NumberedLog<Note> log = store.logs().open("room:flood", Note.ITEMS);
            List<CompletableFuture<Appended<Note>>> all = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                all.add(log.append(Note.draft("f" + i), "k" + i));
            }
            long refused = 0;
            long stored = 0;
            for (CompletableFuture<Appended<Note>> f : all) {
                try {
                    await(f);
                    stored++;
                } catch (StoreUnavailable e) {
                    refused++;
                }
            }
            assertTrue(refused > 0, "a bounded queue refuses");
            assertEquals(stored, await(log.position()).latest());
            assertEquals(stored, db.count("SELECT COUNT(*) FROM log_entry"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anItemThatDoesNotEncodeFailsAloneAndTheBatchGoesOn(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp); JdbcStore store = db.open()) {
            io.switchboard.channel.Items<Note> picky = new io.switchboard.channel.Items<>() {
                public long seq(Note n) {
                    return n.seq();
                }

                public Note withSeq(Note n, long seq) {
                    return Note.ITEMS.withSeq(n, seq);
                }

                public String json(Note n) {
                    if (n.text().equals("poison")) {
                        throw new IllegalArgumentException("cannot encode");
                    }
                    return Note.ITEMS.json(n);
                }

                public Note parse(String json) {
                    return Note.ITEMS.parse(json);
                }
            };
            NumberedLog<Note> log = store.logs().open("room:mixed", picky);
            CompletableFuture<Appended<Note>> a = log.append(Note.draft("fine"), null);
            CompletableFuture<Appended<Note>> b = log.append(Note.draft("poison"), null);
            CompletableFuture<Appended<Note>> c = log.append(Note.draft("fine too"), null);
            assertEquals(1, await(a).item().seq());
            assertInstanceOf(IllegalArgumentException.class, assertThrows(RuntimeException.class, () -> await(b)));
            assertEquals(2, await(c).item().seq());
        }
    }
}
