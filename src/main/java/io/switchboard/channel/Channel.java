package io.switchboard.channel;

import io.switchboard.ops.ChannelMeters;
import io.switchboard.protocol.CloseCode;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Member;
import io.switchboard.transport.Outbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A room, an inbox or a topic on this node: its log, its members here, publishing, delivering what
 * is stored (here or on another node) in seq order, and recovery.
 *
 * <p>Every item reaches the members through one path, {@link #appended}: the log announces it, and
 * a local publish hands it over too (whichever comes first delivers; the other is a duplicate). Items
 * that arrive out of order wait in a bounded buffer while the gap is read from the log.
 *
 * <p>A joiner first catches up: its {@code welcome} carries what it missed, as much as fits in a
 * budget, and the rest follows as ordinary frames as its queue drains; under this channel's lock it
 * then becomes a live member exactly where the live stream is, so recovery and live traffic meet
 * with no gap and no duplicate. Frames are offered under the lock (which fixes the order) and leave
 * when the {@link Outbox} scope ends; no log call is made under the lock.
 */
public final class Channel<T> implements NumberedLog.Listener<T> {

    private static final Logger LOG = Logger.getLogger(Channel.class.getName());
    /** Recent items kept for joiners and catch-ups, so most recoveries never read the store. */
    static final int TAIL = 256;
    /** Items read from the log at once for a catch-up or a gap. */
    static final int READ_CHUNK = 200;
    /** Out-of-order items held while a gap is repaired; past it the repair decides. */
    static final int MAX_EARLY = 10_000;
    private static final Member[] NONE = new Member[0];

    private final String name;
    private final NumberedLog<T> log;
    private final Items<T> items;
    private final int retention;
    /** UTF-16 units of item frames a welcome or one catch-up step may carry. */
    private final int budget;
    /** The log's position once first read; replaced when that read failed, so the next caller tries again. */
    private final AtomicReference<CompletableFuture<Position>> ready = new AtomicReference<>();
    private final ChannelMeters meters;

    // Everything below is guarded by this.
    private boolean initialized;
    private String epoch;
    private long delivered;
    private Member[] live = NONE;
    private final List<CatchUp> catching = new ArrayList<>();
    private final ArrayDeque<Entry<T>> tail = new ArrayDeque<>();
    private final TreeMap<Long, T> early = new TreeMap<>();
    private boolean repairing;
    /** How many members recent seqs were queued to, for the publish API's {@code delivered}. */
    private final long[] countedSeqs = new long[64];
    private final int[] counts = new int[64];

    public Channel(String name, NumberedLog<T> log, Items<T> items, int retention, int budget) {
        this(name, log, items, retention, budget, ChannelMeters.none());
    }

    /** {@code meters}: this kind of channel's (rooms, inboxes, topics), shared by every channel of the kind. */
    public Channel(String name, NumberedLog<T> log, Items<T> items, int retention, int budget, ChannelMeters meters) {
        this.meters = meters;
        this.name = name;
        this.log = log;
        this.items = items;
        this.retention = retention;
        this.budget = Math.max(1, budget);
        log.listen(this);
        this.ready.set(open());
    }

    private CompletableFuture<Position> open() {
        return log.position().thenApply(position -> {
            Outbox.run(() -> initialize(position));
            return position;
        });
    }

    /**
     * The log's position as first read. When that read failed (the store could not be reached),
     * the next caller reads it again: a channel first used during an outage works once the store
     * is back, without being forgotten first.
     */
    private CompletableFuture<Position> ready() {
        CompletableFuture<Position> current = ready.get();
        if (!current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<Position> retry = new CompletableFuture<>();
        if (ready.compareAndSet(current, retry)) {
            open().whenComplete((position, error) -> {
                if (error != null) {
                    retry.completeExceptionally(error);
                } else {
                    retry.complete(position);
                }
            });
        }
        return ready.get();
    }

    public String name() {
        return name;
    }

    /** An item stored in the log, with the frame every member receives. */
    public record Entry<T>(long seq, T item, Frame frame) {
    }

    /** What a joiner's {@code welcome} carries: where the log stands, and the first items it missed. */
    public record Snapshot<T>(String epoch, long seq, long firstRetained, Boolean recovered, List<T> items) {
    }

    /** A stored item and how many members here it was queued to ({@code duplicate}: stored before under its key). */
    public record Published<T>(T item, int delivered, boolean duplicate) {
    }

    public record Page<T>(List<T> items, boolean more) {
    }

    private final class CatchUp {
        final Member member;
        final Function<Snapshot<T>, Frame> welcome;
        final Boolean recovered;
        long cursor;
        boolean welcomed;

        CatchUp(Member member, Function<Snapshot<T>, Frame> welcome, Boolean recovered, long cursor) {
            this.member = member;
            this.welcome = welcome;
            this.recovered = recovered;
            this.cursor = cursor;
        }
    }

    // ---- joining and leaving

    /**
     * Adds {@code member}, recovering from {@code since} in {@code sinceEpoch} (null: no {@code
     * since}): {@code welcome} builds its first frame; then it receives what it missed and the live
     * stream. {@code joined} runs under the lock as it joins (a presence event to the others).
     */
    public CompletableFuture<Void> join(Member member, Long since, String sinceEpoch, Runnable joined,
                                        Function<Snapshot<T>, Frame> welcome) {
        return ready().thenAccept(position -> Outbox.run(() -> start(member, since, sinceEpoch, joined, welcome)))
                .whenComplete((done, error) -> {
                    if (error != null) {
                        // No welcome can be built: the client reconnects (with backoff) and tries again.
                        LOG.log(Level.FINE, "joining " + name + " failed", error);
                        member.close(CloseCode.RECONNECT, "the store cannot be reached: reconnect");
                    }
                });
    }

    private void start(Member member, Long since, String sinceEpoch, Runnable joined, Function<Snapshot<T>, Frame> welcome) {
        CatchUp catchUp;
        synchronized (this) {
            if (member.isClosed()) {
                return; // closed while the log was opening: its leave has already run
            }
            long first = firstRetained();
            boolean complete = since != null && epoch.equals(sinceEpoch) && since >= 0 && since <= delivered
                    && since + 1 >= first;
            long from = complete ? since + 1 : Math.max(first, delivered - NumberedLog.LATEST_PAGE + 1);
            catchUp = new CatchUp(member, welcome, since == null ? null : complete, from - 1);
            joined.run();
            catching.add(catchUp);
        }
        advance(catchUp);
    }

    /** Sends the catch-up its next items, from the tail or the log, until it meets the live stream. */
    private void advance(CatchUp c) {
        while (true) {
            long from;
            synchronized (this) {
                if (!catching.contains(c)) {
                    return;
                }
                if (c.cursor >= delivered) {
                    if (!c.welcomed) {
                        sendWelcome(c, List.of());
                    }
                    catching.remove(c);
                    live = with(live, c.member);
                    return;
                }
                if (c.welcomed && c.member.peer().backlogged()) {
                    c.member.peer().whenDrained(() -> advance(c));
                    return;
                }
                List<Entry<T>> chunk = fromTail(c.cursor + 1);
                if (chunk != null) {
                    send(c, chunk);
                    continue;
                }
                from = c.cursor + 1;
            }
            log.read(from, READ_CHUNK).whenComplete((read, error) -> Outbox.run(() -> {
                if (error != null) {
                    LOG.log(Level.FINE, "recovery read of " + name + " failed", error);
                    dropCatchUp(c, CloseCode.RECONNECT, "recovery failed: reconnect with since");
                    return;
                }
                boolean lost;
                synchronized (this) {
                    if (!catching.contains(c)) {
                        return;
                    }
                    List<Entry<T>> chunk = consecutive(read, c.cursor + 1);
                    // Empty: the log moved past these items while we read, so they can no longer be recovered.
                    lost = chunk.isEmpty();
                    if (!lost) {
                        send(c, chunk);
                    }
                }
                if (lost) {
                    dropCatchUp(c, CloseCode.RECONNECT, "fell behind the log's retention: reconnect");
                } else {
                    advance(c);
                }
            }));
            return;
        }
    }

    /** Ends a catch-up that cannot finish; the close happens outside the lock, like every socket call. */
    private void dropCatchUp(CatchUp c, CloseCode code, String reason) {
        boolean was;
        synchronized (this) {
            was = catching.remove(c);
        }
        if (was) {
            c.member.close(code, reason);
        }
    }

    private void send(CatchUp c, List<Entry<T>> chunk) {
        if (!c.welcomed) {
            sendWelcome(c, chunk);
        } else {
            for (Entry<T> entry : chunk) {
                c.member.peer().offer(entry.frame());
            }
        }
        c.cursor = chunk.get(chunk.size() - 1).seq();
    }

    private void sendWelcome(CatchUp c, List<Entry<T>> chunk) {
        List<T> carried = new ArrayList<>(chunk.size());
        for (Entry<T> entry : chunk) {
            carried.add(entry.item());
        }
        c.member.peer().offer(c.welcome.apply(new Snapshot<>(epoch, delivered, firstRetained(), c.recovered, carried)));
        c.welcomed = true;
        meters.recovery(c.recovered);
    }

    /** Entries from {@code from} on, within the budget, when the tail still holds {@code from}; else null. */
    private List<Entry<T>> fromTail(long from) {
        if (tail.isEmpty() || tail.peekFirst().seq() > from) {
            return null;
        }
        List<Entry<T>> chunk = new ArrayList<>();
        long weight = 0;
        for (Entry<T> entry : tail) {
            if (entry.seq() < from) {
                continue;
            }
            weight += entry.frame().weight();
            if (!chunk.isEmpty() && weight > budget) {
                break;
            }
            chunk.add(entry);
        }
        return chunk;
    }

    /** The read items that follow {@code from} without a gap, up to what is delivered here, within the budget. */
    private List<Entry<T>> consecutive(List<T> read, long from) {
        List<Entry<T>> chunk = new ArrayList<>();
        long next = from;
        long weight = 0;
        for (T item : read) {
            long seq = items.seq(item);
            if (seq < next) {
                continue;
            }
            if (seq > next || seq > delivered) {
                break;
            }
            Entry<T> entry = entry(item);
            weight += entry.frame().weight();
            if (!chunk.isEmpty() && weight > budget) {
                break;
            }
            chunk.add(entry);
            next++;
        }
        return chunk;
    }

    /** Removes a member; true when it was one. {@code left} runs under the lock when it was (a presence event). */
    public boolean leave(Member member, Runnable left) {
        return Outbox.call(() -> {
            synchronized (this) {
                boolean was = catching.removeIf(c -> c.member == member);
                Member[] remaining = without(live, member);
                was |= remaining != live;
                live = remaining;
                if (was) {
                    left.run();
                }
                return was;
            }
        });
    }

    /** Queues {@code frame} to the members that {@code to} accepts and that had their welcome, in order with the items. */
    public int broadcast(Frame frame, Predicate<Member> to) {
        return Outbox.call(() -> {
            synchronized (this) {
                int queued = 0;
                for (Member member : live) {
                    if (to.test(member) && member.peer().offer(frame)) {
                        queued++;
                    }
                }
                for (CatchUp c : catching) {
                    if (c.welcomed && to.test(c.member) && c.member.peer().offer(frame)) {
                        queued++;
                    }
                }
                return queued;
            }
        });
    }

    /**
     * As {@link #broadcast}, and to the members on the other nodes of a cluster whose user is not
     * {@code exceptUser} (null: all of them). The other nodes are told once this node's frames have
     * left, outside every lock.
     */
    public int broadcastEverywhere(Frame frame, Predicate<Member> here, String exceptUser) {
        return Outbox.call(() -> {
            int queued = broadcast(frame, here);
            Outbox.afterFlush(() -> log.signal(frame.text(), exceptUser));
            return queued;
        });
    }

    @Override
    public void signalled(String text, String exceptUser) {
        broadcast(Frame.of(text), member -> exceptUser == null || !exceptUser.equals(member.user()));
    }

    /** The members here, live or catching up. */
    public synchronized List<Member> members() {
        List<Member> all = new ArrayList<>(Arrays.asList(live));
        catching.forEach(c -> all.add(c.member));
        return all;
    }

    public synchronized boolean isIdle() {
        return live.length == 0 && catching.isEmpty();
    }

    // ---- publishing and delivering

    /** Stores {@code draft} and delivers it here; completes once it is stored (with a durable store: committed). */
    public CompletableFuture<Published<T>> publish(T draft, String key) {
        return publish(draft, key, System.nanoTime());
    }

    /** As {@link #publish(Object, String)}; {@code receivedNanos} ({@link System#nanoTime()}) is when the say or publish arrived. */
    public CompletableFuture<Published<T>> publish(T draft, String key, long receivedNanos) {
        return ready().thenCompose(position -> log.append(draft, key)).thenApply(appended -> {
            if (appended.duplicate()) {
                return new Published<>(appended.item(), 0, true);
            }
            meters.published(receivedNanos);
            int count = Outbox.call(() -> accept(appended.item()));
            return new Published<>(appended.item(), count + appended.elsewhere(), false);
        });
    }

    /** Where the log stands as this node has delivered it. */
    public CompletableFuture<Position> position() {
        return ready().thenApply(position -> current());
    }

    private synchronized Position current() {
        return new Position(epoch, delivered);
    }

    @Override
    public void appended(T item) {
        appendedCounting(item);
    }

    @Override
    public int appendedCounting(T item) {
        return Outbox.call(() -> accept(item));
    }

    @Override
    public void reset(Position position) {
        Outbox.run(() -> {
            List<Member> dropped;
            synchronized (this) {
                epoch = position.epoch();
                delivered = position.latest();
                tail.clear();
                early.clear();
                dropped = members();
                live = NONE;
                catching.clear();
            }
            // Its seqs may be reused: members recover afresh, and are told recovered: false.
            dropped.forEach(m -> m.close(CloseCode.RECONNECT, "the log started over: reconnect"));
        });
    }

    private synchronized void initialize(Position position) {
        if (initialized) {
            return;
        }
        initialized = true;
        epoch = position.epoch();
        delivered = Math.max(delivered, position.latest());
        drainEarly();
    }

    /** Delivers {@code item} if it is next, holds it if it is early; returns how many members it was queued to. */
    private synchronized int accept(T item) {
        long seq = items.seq(item);
        if (!initialized || seq > delivered + 1) {
            if (initialized && seq > delivered + 1) {
                hold(seq, item);
                repair();
            } else {
                hold(seq, item);
            }
            return 0;
        }
        if (seq <= delivered) {
            return countOf(seq);
        }
        int count = deliver(item);
        drainEarly();
        return count;
    }

    private void hold(long seq, T item) {
        if (early.size() < MAX_EARLY) {
            early.put(seq, item);
        }
        // Past the bound the item is dropped here; the repair reads it from the log.
    }

    private void drainEarly() {
        while (!early.isEmpty()) {
            var first = early.firstEntry();
            if (first.getKey() <= delivered) {
                early.pollFirstEntry();
            } else if (first.getKey() == delivered + 1) {
                early.pollFirstEntry();
                deliver(first.getValue());
            } else {
                repair();
                return;
            }
        }
    }

    /**
     * Offers the item's frame to every live member. {@code switchboard_fanout_seconds} runs from here
     * (this node knows the item is stored: its append completed or the log announced it) to the end
     * of the flush that hands the frame to the last member's queue and starts its send; items with no
     * member here are not timed. Always called within an {@link Outbox} scope.
     */
    private int deliver(T item) {
        long stored = meters.isEnabled() ? System.nanoTime() : 0;
        Entry<T> entry = entry(item);
        tail.addLast(entry);
        if (tail.size() > TAIL) {
            tail.pollFirst();
        }
        delivered = entry.seq();
        int queued = 0;
        for (Member member : live) {
            if (member.peer().offer(entry.frame())) {
                queued++;
            }
        }
        int slot = (int) (entry.seq() % countedSeqs.length);
        countedSeqs[slot] = entry.seq();
        counts[slot] = queued;
        if (queued > 0 && meters.isEnabled()) {
            Outbox.afterFlush(() -> meters.fannedOut(stored));
        }
        return queued;
    }

    private int countOf(long seq) {
        int slot = (int) (seq % countedSeqs.length);
        return countedSeqs[slot] == seq ? counts[slot] : 0;
    }

    /** Reads the missing items after {@code delivered} from the log; one repair at a time. */
    private void repair() {
        if (repairing) {
            return;
        }
        repairing = true;
        long from = delivered + 1;
        // Read on another thread: the log is never called under this lock.
        CompletableFuture.supplyAsync(() -> log.read(from, READ_CHUNK)).thenCompose(read -> read)
                .whenComplete((read, error) -> Outbox.run(() -> {
                    Member[] dropped = repaired(from, read, error);
                    for (Member member : dropped) {
                        member.close(CloseCode.RECONNECT, "missed items: reconnect with since");
                    }
                }));
    }

    /** Delivers what the repair read; returns the members to close when the gap is no longer retained. */
    private synchronized Member[] repaired(long from, List<T> read, Throwable error) {
        repairing = false;
        if (error != null) {
            LOG.log(Level.WARNING, "reading a gap in " + name + " failed; retrying on the next item", error);
            return NONE;
        }
        if (delivered >= from) {
            drainEarly();
            return NONE;
        }
        Member[] dropped = NONE;
        if (!read.isEmpty() && items.seq(read.get(0)) > from) {
            // The gap is no longer retained: members here can never receive it. They reconnect and recover honestly.
            long skipTo = items.seq(read.get(0)) - 1;
            LOG.warning(() -> name + " lost seqs " + from + " to " + skipTo + " here: its members reconnect");
            dropped = live;
            live = NONE;
            delivered = skipTo;
        }
        for (T item : read) {
            long seq = items.seq(item);
            if (seq == delivered + 1) {
                deliver(item);
            }
        }
        drainEarly();
        return dropped;
    }

    // ---- reading

    /** Up to {@code limit} items before {@code before} (null: the latest), oldest first, within the budget. */
    public CompletableFuture<Page<T>> before(Long before, int limit) {
        return ready().thenCompose(position -> {
            long end;
            long first;
            List<Entry<T>> cached;
            synchronized (this) {
                end = before == null ? delivered : Math.min(delivered, before - 1);
                first = firstRetained();
                long start = Math.max(first, end - limit + 1);
                if (end < start) {
                    return CompletableFuture.completedFuture(new Page<T>(List.of(), false));
                }
                cached = tail.isEmpty() || tail.peekFirst().seq() > start ? null : range(start, end);
            }
            long start = Math.max(first, end - limit + 1);
            CompletableFuture<List<T>> found = cached != null
                    ? CompletableFuture.completedFuture(cached.stream().map(Entry::item).toList())
                    : log.read(start, (int) (end - start + 1));
            return found.thenApply(list -> page(list, start, end, first));
        });
    }

    private Page<T> page(List<T> list, long start, long end, long first) {
        List<T> kept = new ArrayList<>();
        long weight = 0;
        long oldest = end + 1;
        for (int i = list.size() - 1; i >= 0; i--) {
            T item = list.get(i);
            long seq = items.seq(item);
            if (seq > end || seq < start) {
                continue;
            }
            weight += items.json(item).length();
            if (!kept.isEmpty() && weight > budget) {
                break;
            }
            kept.add(0, item);
            oldest = seq;
        }
        return new Page<>(List.copyOf(kept), oldest > first);
    }

    private List<Entry<T>> range(long from, long to) {
        List<Entry<T>> found = new ArrayList<>();
        for (Entry<T> entry : tail) {
            if (entry.seq() >= from && entry.seq() <= to) {
                found.add(entry);
            }
        }
        return found;
    }

    private long firstRetained() {
        return new Position(epoch, delivered).firstRetained(retention);
    }

    private Entry<T> entry(T item) {
        return new Entry<>(items.seq(item), item, Frame.of(items.json(item)));
    }

    /** Stops hearing the log; the registry calls it when it forgets an idle channel. */
    public void close() {
        log.close();
    }

    private static Member[] with(Member[] members, Member added) {
        for (Member member : members) {
            if (member == added) {
                return members;
            }
        }
        Member[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = added;
        return grown;
    }

    private static Member[] without(Member[] members, Member removed) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == removed) {
                Member[] shrunk = Arrays.copyOf(members, members.length - 1);
                System.arraycopy(members, i + 1, shrunk, i, members.length - i - 1);
                return shrunk;
            }
        }
        return members;
    }

    /** For tests: items held out of order. */
    synchronized int early() {
        return early.size();
    }

}
