package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.CloseCode;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Member;
import io.switchboard.transport.Outbox;
import io.switchboard.transport.Peer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Recovery, catch-up and ordering in one channel, with a recording member and the memory store. */
class ChannelTest {

    private static final int RETENTION = 100;

    private final MemoryStore store = TestStores.memory(RETENTION);
    /** Another node's handle on the same log, to append "remotely". */
    private final NumberedLog<Long> writer = store.logs().open("room:r", LongItems.INSTANCE);
    private final List<Channel.Snapshot<Long>> welcomes = new ArrayList<>();
    private final Function<Channel.Snapshot<Long>, Frame> welcome = snapshot -> {
        welcomes.add(snapshot);
        return Frame.of("welcome");
    };

    private Channel<Long> channel(int budget) {
        return new Channel<>("room:r", store.logs().open("room:r", LongItems.INSTANCE), LongItems.INSTANCE, RETENTION, budget);
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            writer.append(0L, null).join();
        }
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** Every item the member has: those in its welcome, then the frames after it. */
    private List<Long> received(Recorder member) {
        List<Long> all = new ArrayList<>(welcomes.get(welcomes.size() - 1).items());
        all.addAll(member.items());
        return all;
    }

    @Test
    void withoutSinceTheWelcomeCarriesTheLatestFifty() {
        append(70);
        Channel<Long> channel = channel(1 << 20);
        Recorder member = new Recorder("a");
        channel.join(member, null, null, () -> { }, welcome).join();
        Channel.Snapshot<Long> snapshot = welcomes.get(0);
        assertNull(snapshot.recovered());
        assertEquals(seqs(21, 70), snapshot.items());
        assertEquals(70, snapshot.seq());
    }

    @Test
    void sinceWithinRetentionRecoversEverythingAfterIt() {
        append(120);
        Channel<Long> channel = channel(1 << 20);
        String epoch = channel.position().join().epoch();
        channel.join(new Recorder("a"), 20L, epoch, () -> { }, welcome).join();
        assertEquals(Boolean.TRUE, welcomes.get(0).recovered());
        assertEquals(seqs(21, 120), welcomes.get(0).items(), "since = L - R is still fully retained");
    }

    @Test
    void sinceBeyondRetentionOrAnotherEpochIsNotRecovered() {
        append(120);
        Channel<Long> channel = channel(1 << 20);
        String epoch = channel.position().join().epoch();
        channel.join(new Recorder("a"), 19L, epoch, () -> { }, welcome).join();
        channel.join(new Recorder("b"), 100L, "other", () -> { }, welcome).join();
        channel.join(new Recorder("c"), 121L, epoch, () -> { }, welcome).join();
        channel.join(new Recorder("d"), -1L, epoch, () -> { }, welcome).join();
        for (Channel.Snapshot<Long> snapshot : welcomes) {
            assertEquals(Boolean.FALSE, snapshot.recovered());
            assertEquals(seqs(71, 120), snapshot.items());
        }
    }

    @Test
    void aLargeRecoveryIsSentInPiecesWithinTheBudgetAndNothingIsMissing() {
        append(100);
        Channel<Long> channel = channel(20); // about ten one- to three-digit items a piece
        String epoch = channel.position().join().epoch();
        Recorder member = new Recorder("a");
        channel.join(member, 0L, epoch, () -> { }, welcome).join();
        Channel.Snapshot<Long> snapshot = welcomes.get(0);
        assertEquals(Boolean.TRUE, snapshot.recovered());
        assertTrue(snapshot.items().size() < 20, "the welcome stays within the budget: " + snapshot.items().size());
        assertEquals(seqs(1, 100), received(member), "the rest follows as frames, in order");
    }

    @Test
    void aSlowJoinerCatchesUpAsItsQueueDrainsAndMeetsTheLiveStreamWithoutGapOrDuplicate() {
        append(60);
        Channel<Long> channel = channel(20);
        String epoch = channel.position().join().epoch();
        Recorder member = new Recorder("a");
        member.backlogged = true;
        channel.join(member, 0L, epoch, () -> { }, welcome).join();
        int before = received(member).size();
        assertTrue(before < 60, "a backlogged joiner gets no more than its welcome");
        append(30); // live traffic while it catches up
        member.drain();
        append(5);
        assertEquals(seqs(1, 95), received(member));
        assertEquals(null, member.closedWith);
    }

    @Test
    void aJoinerWhoseMissedItemsLeaveRetentionWhileItCatchesUpIsToldToReconnect() {
        append(60);
        Channel<Long> channel = channel(20);
        String epoch = channel.position().join().epoch();
        Recorder member = new Recorder("a");
        member.backlogged = true;
        channel.join(member, 0L, epoch, () -> { }, welcome).join();
        append(RETENTION); // what it has not read yet leaves the log
        member.drain();
        assertEquals(CloseCode.RECONNECT, member.closedWith, "it cannot have everything: it recovers afresh");
        assertTrue(channel.isIdle());
    }

    @Test
    void itemsAnnouncedOutOfOrderAreDeliveredInOrderAndAGapIsReadFromTheLog() throws Exception {
        Channel<Long> alone = new Channel<>("room:q", new Silent<>(store.logs().open("room:q", LongItems.INSTANCE)),
                LongItems.INSTANCE, RETENTION, 1 << 20);
        Recorder listener = new Recorder("b");
        alone.join(listener, null, null, () -> { }, welcome).join();
        NumberedLog<Long> other = store.logs().open("room:q", LongItems.INSTANCE);
        for (int i = 0; i < 5; i++) {
            other.append(0L, null).join();
        }
        alone.appended(3L);
        alone.appended(2L);
        alone.appended(5L);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (listener.items().size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(seqs(1, 5), listener.items());
        assertEquals(0, alone.early());
    }

    @Test
    void aLogThatStartsOverClosesItsMembersSoTheyRecoverAfresh() {
        Channel<Long> channel = channel(1 << 20);
        Recorder member = new Recorder("a");
        channel.join(member, null, null, () -> { }, welcome).join();
        channel.reset(new Position("new-epoch", 0));
        assertEquals(CloseCode.RECONNECT, member.closedWith);
        assertEquals("new-epoch", channel.position().join().epoch());
    }

    @Test
    void aMemberClosedBeforeItsJoinRunsIsNeverAdded() {
        Channel<Long> channel = channel(1 << 20);
        Recorder member = new Recorder("a");
        member.closedWith = CloseCode.NORMAL;
        channel.join(member, null, null, () -> { }, welcome).join();
        assertTrue(channel.isIdle());
    }

    @Test
    void aChannelWhoseLogCouldNotBeReadAtFirstClosesItsJoinerAndWorksOnceTheStoreIsBack() {
        append(3);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        NumberedLog<Long> log = new Silent<>(store.logs().open("room:r", LongItems.INSTANCE)) {
            @Override
            public CompletableFuture<Position> position() {
                return down.get() ? CompletableFuture.failedFuture(new StoreUnavailable("down", null)) : super.position();
            }
        };
        Channel<Long> channel = new Channel<>("room:r", log, LongItems.INSTANCE, RETENTION, 1 << 20);
        Recorder first = new Recorder("a");
        channel.join(first, null, null, () -> { }, welcome).exceptionally(error -> null).join();
        assertEquals(CloseCode.RECONNECT, first.closedWith, "no welcome can be built: the client reconnects");
        assertTrue(welcomes.isEmpty());

        down.set(false);
        Recorder second = new Recorder("b");
        channel.join(second, null, null, () -> { }, welcome).join();
        assertEquals(3, welcomes.get(0).seq(), "the same channel reads the log again and welcomes");
        assertNull(second.closedWith);
    }

    /**
     * Presence as Room does it: {@code joined} adds the user and broadcasts a join under the lock,
     * the welcome lists who is present when it is built. A user who joins while another member is
     * still catching up (its log read pending, no welcome yet) gets no event to it, and is in its
     * welcome instead; once welcomed, a member gets the events. Either way each member learns of
     * each other user once. (With two sockets opened at once, either join may run first: a test
     * that expects a join event must wait for the first welcome before opening the second.)
     */
    @Test
    void aUserWhoJoinsWhileAMemberCatchesUpIsInItsWelcomeAndLaterJoinsAreEvents() {
        append(60);
        HeldReads<Long> log = new HeldReads<>(store.logs().open("room:r", LongItems.INSTANCE));
        Channel<Long> channel = new Channel<>("room:r", log, LongItems.INSTANCE, RETENTION, 1 << 20);
        List<String> present = new ArrayList<>(); // guarded by the channel's lock, as Presence is in Room
        Map<String, List<String>> listed = new LinkedHashMap<>();
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        Recorder c = new Recorder("c");

        joinAnnounced(channel, a, present, listed).join();
        joinAnnounced(channel, b, present, listed).join();
        assertEquals(Map.of(), listed, "both are catching up: their reads are held, neither is welcomed");
        log.release();
        assertEquals(List.of(), a.events(), "b joined while a caught up: no event to a ...");
        assertEquals(Map.of("a", List.of("a", "b"), "b", List.of("a", "b")), listed, "... b is in a's welcome");

        joinAnnounced(channel, c, present, listed).join();
        log.release();
        assertEquals(List.of("join c"), a.events());
        assertEquals(List.of("join c"), b.events());
        assertEquals(List.of("a", "b", "c"), listed.get("c"));
        assertEquals(List.of(), c.events());
    }

    private CompletableFuture<Void> joinAnnounced(Channel<Long> channel, Recorder member, List<String> present,
                                                  Map<String, List<String>> listed) {
        return channel.join(member, null, null, () -> {
            present.add(member.user());
            channel.broadcast(Frame.of("join " + member.user()), other -> other != member);
        }, snapshot -> {
            listed.put(member.user(), List.copyOf(present));
            return Frame.of("welcome");
        });
    }

    /** A log handle that passes every call to {@code log}; the test handles below change one thing each. */
    private static class Delegating<T> implements NumberedLog<T> {
        final NumberedLog<T> log;

        Delegating(NumberedLog<T> log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<Position> position() {
            return log.position();
        }

        @Override
        public CompletableFuture<Appended<T>> append(T draft, String key) {
            return log.append(draft, key);
        }

        @Override
        public CompletableFuture<List<T>> read(long from, int max) {
            return log.read(from, max);
        }

        @Override
        public void listen(Listener<T> listener) {
            log.listen(listener);
        }

        /** Nothing to tell: one node. */
        @Override
        public void signal(String text, String exceptUser) {
        }

        @Override
        public void close() {
            log.close();
        }
    }

    /** A log handle whose reads wait until {@link #release()}: a store that answers late. */
    private static final class HeldReads<T> extends Delegating<T> {
        private final ArrayDeque<Runnable> held = new ArrayDeque<>();

        HeldReads(NumberedLog<T> log) {
            super(log);
        }

        /** Answers every read made so far, in order (and those the answers make in turn). */
        void release() {
            while (!held.isEmpty()) {
                held.poll().run();
            }
        }

        @Override
        public CompletableFuture<List<T>> read(long from, int max) {
            CompletableFuture<List<T>> answer = new CompletableFuture<>();
            held.add(() -> log.read(from, max).whenComplete((read, error) -> {
                if (error != null) {
                    answer.completeExceptionally(error);
                } else {
                    answer.complete(read);
                }
            }));
            return answer;
        }
    }

    /** A log handle that announces nothing: what arrives comes through {@link Channel#appended} by hand. */
    private static class Silent<T> extends Delegating<T> {

        Silent(NumberedLog<T> log) {
            super(log);
        }

        @Override
        public void listen(Listener<T> listener) {
        }
    }

    /** A member whose peer records the frames it flushes; items are the frames that are numbers. */
    private static final class Recorder implements Member, Peer {
        private final String user;
        private final List<String> frames = new ArrayList<>();
        private final List<String> queued = new ArrayList<>();
        volatile boolean backlogged;
        private Runnable drained;
        volatile CloseCode closedWith;

        Recorder(String user) {
            this.user = user;
        }

        synchronized List<Long> items() {
            return frames.stream().filter(f -> f.matches("\\d+")).map(Long::parseLong).toList();
        }

        /** The frames that are neither items nor the welcome. */
        synchronized List<String> events() {
            return frames.stream().filter(f -> !f.matches("\\d+") && !f.equals("welcome")).toList();
        }

        void drain() {
            Runnable action;
            synchronized (this) {
                backlogged = false;
                action = drained;
                drained = null;
            }
            if (action != null) {
                Outbox.run(action);
            }
        }

        @Override
        public Peer peer() {
            return this;
        }

        @Override
        public String user() {
            return user;
        }

        @Override
        public void close(CloseCode code, String reason) {
            closedWith = code;
        }

        @Override
        public boolean isClosed() {
            return closedWith != null;
        }

        @Override
        public String id() {
            return user;
        }

        @Override
        public boolean offer(Frame frame) {
            synchronized (this) {
                queued.add(frame.text());
            }
            Outbox.needsFlush(this);
            return true;
        }

        @Override
        public synchronized void flush() {
            frames.addAll(queued);
            queued.clear();
        }

        @Override
        public boolean backlogged() {
            return backlogged;
        }

        @Override
        public synchronized void whenDrained(Runnable action) {
            drained = action;
        }

        @Override
        public void onFailure(Failure action) {
        }

        @Override
        public void ping() {
        }
    }
}
