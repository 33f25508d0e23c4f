package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static NumberedLog<Long> filled(MemoryStore store, String name, int items) {
        NumberedLog<Long> log = store.logs().open(name, LongItems.INSTANCE);
        for (int i = 0; i < items; i++) {
            log.append(0L, null).join();
        }
        return log;
    }

    @Test
    void numbersItemsFromOneWithoutGaps() {
        NumberedLog<Long> log = filled(TestStores.memory(10), "room:a", 3);
        assertEquals(3, log.position().join().latest());
        assertEquals(seqs(1, 3), log.read(0, 100).join());
    }

    @Test
    void keepsOnlyTheLatestRetentionItems() {
        NumberedLog<Long> log = filled(TestStores.memory(5), "room:a", 12);
        assertEquals(8, log.position().join().firstRetained(5));
        assertEquals(seqs(8, 12), log.read(1, 100).join());
        assertEquals(seqs(9, 10), log.read(9, 2).join());
    }

    @Test
    void aKeyUsedBeforeGivesTheFirstItemAndStoresNothing() {
        NumberedLog<Long> log = filled(TestStores.memory(10), "room:a", 2);
        NumberedLog.Appended<Long> first = log.append(0L, "alice\nr1").join();
        NumberedLog.Appended<Long> again = log.append(0L, "alice\nr1").join();
        assertFalse(first.duplicate());
        assertTrue(again.duplicate());
        assertEquals(3L, again.item());
        assertEquals(3, log.position().join().latest());
    }

    @Test
    void keysAreForgottenWithTheirItemsSoTheyStayBounded() {
        NumberedLog<Long> log = filled(TestStores.memory(3), "room:a", 0);
        log.append(0L, "k").join();
        for (int i = 0; i < 3; i++) {
            log.append(0L, null).join();
        }
        assertFalse(log.append(0L, "k").join().duplicate(), "a key past retention publishes again");
    }

    @Test
    void twoHandlesOnOneNameShareTheLogAndHearEachOthersItems() {
        MemoryStore store = TestStores.memory(10);
        NumberedLog<Long> one = store.logs().open("room:a", LongItems.INSTANCE);
        NumberedLog<Long> two = store.logs().open("room:a", LongItems.INSTANCE);
        java.util.List<Long> heard = new java.util.ArrayList<>();
        two.listen(heard::add);
        one.append(0L, null).join();
        one.append(0L, null).join();
        assertEquals(List.of(1L, 2L), heard);
        two.close();
        one.append(0L, null).join();
        assertEquals(List.of(1L, 2L), heard, "a closed handle hears nothing more");
    }

    @Test
    void pastTheByteBudgetAnIdleRoomIsForgottenWholeWithANewEpochNextTime() {
        MemoryStore store = new MemoryStore(1000, 100, 10_000, 100);
        NumberedLog<Long> idle = filled(store, "room:idle", 100);
        String epoch = idle.position().join().epoch();
        idle.close();
        NumberedLog<Long> busy = filled(store, "room:busy", 100);
        assertTrue(store.usedBytes() <= 10_000);
        NumberedLog<Long> again = store.logs().open("room:idle", LongItems.INSTANCE);
        assertNotEquals(epoch, again.position().join().epoch(), "forgotten items: a new epoch, so recovery is honest");
        assertEquals(0, again.position().join().latest());
        assertEquals(100, busy.position().join().latest());
    }

    @Test
    void anInboxIsNeverForgottenWhileItHoldsItemsTheAppendIsRefusedInstead() {
        MemoryStore store = new MemoryStore(1000, 100, 10_000, 100);
        NumberedLog<Long> inbox = filled(store, "inbox:alice", 100);
        String epoch = inbox.position().join().epoch();
        inbox.close();
        NumberedLog<Long> other = store.logs().open("inbox:bob", LongItems.INSTANCE);
        CompletionException refused = null;
        for (int i = 0; i < 1000 && refused == null; i++) {
            try {
                other.append(0L, null).join();
            } catch (CompletionException e) {
                refused = e;
            }
        }
        assertInstanceOf(StoreFull.class, refused == null ? null : refused.getCause());
        NumberedLog<Long> alice = store.logs().open("inbox:alice", LongItems.INSTANCE);
        assertEquals(epoch, alice.position().join().epoch());
        assertEquals(seqs(1, 100), alice.read(1, 1000).join(), "what was acknowledged is kept");
    }

    @Test
    void pastItsLogCountItForgetsIdleLogs() {
        MemoryStore store = new MemoryStore(10, 5, 1 << 20, 100);
        for (int i = 0; i < 20; i++) {
            filled(store, "topic:t" + i, 1).close();
        }
        assertTrue(store.logCount() <= 5);
    }

    @Test
    void readMarksNeverGoDown() {
        MemoryStore store = TestStores.memory(10);
        assertEquals(5, store.readMarks().advance("inbox:a", "a", 5).join());
        assertEquals(5, store.readMarks().advance("inbox:a", "a", 3).join());
        assertEquals(5, store.readMarks().get("inbox:a", "a").join());
    }

    @Test
    void aPublishIdIsAnsweredOnceAndBounded() {
        MemoryStore store = new MemoryStore(10, 10, 1 << 20, 2);
        PublishIds ids = store.publishIds();
        assertEquals(null, ids.claim("a").join());
        ids.complete("a", "first");
        assertEquals("first", ids.claim("a").join());
        ids.claim("b").join();
        ids.complete("b", "b");
        ids.claim("c").join();
        ids.complete("c", "c");
        assertEquals(null, ids.claim("a").join(), "the oldest id was forgotten");
    }

    @Test
    void anAbandonedIdCanBeClaimedAgainAndAWaitingClaimGetsIt() {
        PublishIds ids = TestStores.memory(10).publishIds();
        assertEquals(null, ids.claim("a").join());
        var waiting = ids.claim("a");
        assertFalse(waiting.isDone(), "a second claim waits for the first");
        ids.abandon("a");
        assertEquals(null, waiting.join(), "after an abandon the waiter owns the id");
    }
}
