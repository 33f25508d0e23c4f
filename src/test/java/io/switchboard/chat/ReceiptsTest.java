package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.channel.ReadMarks;
import io.switchboard.channel.TestStores;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spacing of read-mark writes, with no room and no sockets: what a flood of reads costs the store. */
class ReceiptsTest {

    /** The memory store's marks, counting the writes. */
    private static final class CountingMarks implements ReadMarks {
        final ReadMarks marks = TestStores.memory(100).readMarks();
        final AtomicInteger advances = new AtomicInteger();

        @Override
        public CompletableFuture<Long> get(String log, String user) {
            return marks.get(log, user);
        }

        @Override
        public CompletableFuture<Long> advance(String log, String user, long upTo) {
            advances.incrementAndGet();
            return marks.advance(log, user, upTo);
        }

        @Override
        public CompletableFuture<Map<String, Long>> marks(String log, Collection<String> users) {
            return marks.marks(log, users);
        }
    }

    private final CountingMarks store = new CountingMarks();
    private final Receipts receipts = new Receipts(store, room -> null);

    @AfterEach
    void stopTheTimer() {
        receipts.close();
    }

    private long stored(String user) throws Exception {
        return store.get("room:lobby", user).get(1, TimeUnit.SECONDS);
    }

    @Test
    void aFloodOfReadsWritesOnceAtOnceThenOnceASecond() throws Exception {
        for (long seq = 1; seq <= 100; seq++) {
            receipts.read("lobby", "alice", seq);
        }
        assertEquals(1, store.advances.get(), "the first read is written at once, the rest wait for the spacing");
        assertEquals(1, stored("alice"));
        assertEquals(100, receipts.known("lobby", "alice"), "a welcome sees the mark before it is written");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (stored("alice") != 100 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(100, stored("alice"), "written within the spacing");
        assertEquals(2, store.advances.get());
    }

    @Test
    void readsAtOrBelowTheMarkWriteNothing() throws Exception {
        receipts.read("lobby", "bob", 5);
        receipts.read("lobby", "bob", 5);
        receipts.read("lobby", "bob", 3);
        Thread.sleep(1300); // past the spacing: anything due would have been written
        assertEquals(1, store.advances.get());
        assertEquals(5, stored("bob"));
    }

    @Test
    void entriesAreForgottenOnceQuietForASpacing() throws Exception {
        receipts.read("lobby", "carol", 1);
        receipts.read("other", "carol", 1);
        assertEquals(2, receipts.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (receipts.size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, receipts.size(), "nothing left to send: the entries go");
    }

    @Test
    void closeWritesTheMarksNotYetWrittenAndTakesNoMore() throws Exception {
        receipts.read("lobby", "dave", 1);
        receipts.read("lobby", "dave", 7);
        assertEquals(1, stored("dave"));

        receipts.close();

        assertEquals(7, stored("dave"));
        receipts.read("lobby", "dave", 9);
        assertTrue(stored("dave") == 7 && receipts.known("lobby", "dave") <= 7, "closed: reads are ignored");
    }
}
