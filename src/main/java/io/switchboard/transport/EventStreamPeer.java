package io.switchboard.transport;

import io.switchboard.protocol.CloseCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a server-sent event stream (protocol section 12). The frames offered to it
 * are already event text ({@code event: …\ndata: …\n\n}); it queues them, bounded by {@code
 * maxQueuedBytes} like a WebSocket's queue, and writes them to its {@link EventSink} one batch at a
 * time, only when the sink says it can take them without blocking, so no thread ever waits for a
 * slow client. A ping is a comment line; a close is a last {@code event: close} carrying the close
 * code a WebSocket would have got, after which the response ends.
 *
 * <p>As in {@link SessionPeer}, a queue that passes its bound ends the stream with 1013, and a
 * failure is handed to the connection on another thread, never inside a container's callback.
 */
public final class EventStreamPeer implements Peer, EventSink.Listener {

    private static final Logger LOG = Logger.getLogger(EventStreamPeer.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();
    /** A comment line (section 12: one every ping interval keeps the stream alive). */
    static final Frame KEEP_ALIVE = Frame.of(":\n\n");
    /** Bytes written at once at most: a long recovery leaves in several writes, each when the sink is ready. */
    private static final int BATCH_CHARS = 32 * 1024;

    /** The last event, queued after everything offered before the close. */
    private record Closing(String event) {
    }

    private final EventSink sink;
    private final String id = "events-" + IDS.incrementAndGet();
    private final String remoteAddress;
    private final int maxQueuedBytes;
    private final ScheduledExecutorService scheduler;
    private final long closeGraceMillis;

    /** Frames and the closing event, oldest first. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** True while one thread owns the drain: it alone polls the queue and calls the sink. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean flushDue = new AtomicBoolean();
    private final AtomicBoolean failureHandled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<Runnable> drained = new AtomicReference<>();
    /** Set before asking the sink whether it is ready; cleared by its {@link #writable} call. */
    private volatile boolean waiting;
    private volatile boolean overflowed;
    private volatile Failure onFailure = (code, reason) -> { };
    private volatile Runnable onEnded = () -> { };

    EventStreamPeer(EventSink sink, String remoteAddress, int maxQueuedBytes, ScheduledExecutorService scheduler,
                    long closeGraceMillis) {
        this.sink = sink;
        this.remoteAddress = remoteAddress;
        this.maxQueuedBytes = maxQueuedBytes;
        this.scheduler = scheduler;
        this.closeGraceMillis = closeGraceMillis;
        sink.listen(this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** Runs {@code action} once the stream has ended, whoever ended it: the client leaving, or after the close event. */
    public void onEnded(Runnable action) {
        this.onEnded = action;
    }

    @Override
    public boolean offer(Frame frame) {
        if (closed.get() || overflowed) {
            return false;
        }
        long queued = queuedBytes.addAndGet(frame.weight());
        // A frame alone in the queue always goes: refusing it could never succeed later either.
        if (queued > maxQueuedBytes && queued != frame.weight()) {
            queuedBytes.addAndGet(-frame.weight());
            overflow();
            return false;
        }
        queue.offer(frame);
        scheduleFlush();
        return true;
    }

    /** The stream fell behind a bound other than the queue's: it ends with 1013 at the next flush. */
    public void overflow() {
        overflowed = true;
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (flushDue.compareAndSet(false, true)) {
            Outbox.needsFlush(this);
        }
    }

    @Override
    public void flush() {
        flushDue.set(false);
        if (overflowed && !closed.get()) {
            fail(CloseCode.TOO_SLOW, "the stream fell behind: reconnect with Last-Event-ID");
            return;
        }
        if (sending.compareAndSet(false, true)) {
            drain();
        }
    }

    @Override
    public boolean backlogged() {
        return queuedBytes.get() > maxQueuedBytes / 2;
    }

    @Override
    public void whenDrained(Runnable action) {
        drained.set(action);
        if (!backlogged() || closed.get()) {
            runDrained();
        }
    }

    private void runDrained() {
        Runnable action = drained.getAndSet(null);
        if (action != null) {
            Outbox.run(action);
        }
    }

    @Override
    public void onFailure(Failure action) {
        this.onFailure = action;
    }

    /** Hands the failure to the connection on another thread, as {@link SessionPeer} does. */
    private void fail(CloseCode code, String reason) {
        if (failureHandled.compareAndSet(false, true)) {
            clear();
            hand(() -> Outbox.run(() -> onFailure.failed(code, reason)));
        }
    }

    private void hand(Runnable action) {
        try {
            scheduler.execute(action);
        } catch (RejectedExecutionException stopping) {
            action.run();
        }
    }

    private void clear() {
        queue.clear();
        queuedBytes.set(0);
    }

    @Override
    public void writable() {
        waiting = false;
        if (sending.compareAndSet(false, true)) {
            drain();
        }
    }

    @Override
    public void gone() {
        closed.set(true);
        if (ended.compareAndSet(false, true)) {
            clear();
            runDrained();
            hand(onEnded);
        }
    }

    /**
     * Writes queued events while the sink can take them. Whoever owns {@link #sending} runs this; a
     * sink that is not ready calls {@link #writable} later, and that call continues here.
     */
    private void drain() {
        while (true) {
            if (ended.get()) {
                sending.set(false);
                return;
            }
            waiting = true;
            boolean ready;
            try {
                ready = sink.ready();
            } catch (RuntimeException e) {
                sending.set(false);
                lost(e);
                return;
            }
            if (!ready) {
                sending.set(false);
                // writable() may have come between ready() and here: then take the drain back.
                if (waiting || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            waiting = false;
            StringBuilder batch = new StringBuilder();
            long weight = 0;
            boolean last = false;
            Object next;
            while (batch.length() < BATCH_CHARS && (next = queue.poll()) != null) {
                if (next instanceof Closing closing) {
                    batch.append(closing.event());
                    last = true;
                    break;
                }
                Frame frame = (Frame) next;
                batch.append(frame.text());
                weight += frame.weight();
            }
            if (batch.length() == 0) {
                sending.set(false);
                // Something offered after our poll but before the flag dropped would be stranded.
                if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                sink.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                sending.set(false);
                lost(e);
                return;
            }
            queuedBytes.addAndGet(-weight);
            if (last) {
                end();
                sending.set(false);
                return;
            }
            if (!backlogged()) {
                runDrained();
            }
        }
    }

    /** A write failed: the client is gone, and so is any chance of telling it why. */
    private void lost(Throwable e) {
        if (e instanceof VirtualMachineError error) {
            throw error;
        }
        LOG.log(Level.FINE, "event stream " + id + " lost", e);
        gone();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            try {
                sink.end();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "ending event stream " + id + " failed", e);
            }
            hand(onEnded);
        }
    }

    @Override
    public void ping() {
        if (closed.get()) {
            return;
        }
        queuedBytes.addAndGet(KEEP_ALIVE.weight());
        queue.offer(KEEP_ALIVE);
        scheduleFlush();
    }

    /**
     * Ends the stream with a last {@code event: close} after what is already queued; a stream too
     * slow to read its queue (1013) gets it at once instead. If the client does not take it within
     * the close grace, the connection is dropped.
     */
    @Override
    public void close(CloseCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        runDrained();
        if (code == CloseCode.TOO_SLOW || failureHandled.get()) {
            clear();
        }
        queue.offer(new Closing(closeEvent(code, reason)));
        scheduleFlush();
        try {
            scheduler.schedule(this::abort, closeGraceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The server is stopping: its connections close with it.
        }
    }

    private void abort() {
        if (ended.compareAndSet(false, true)) {
            try {
                sink.abort();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "dropping event stream " + id + " failed", e);
            }
            hand(onEnded);
        }
    }

    /** {@code event: close} with {@code {"code", "reason"}} (section 12). */
    static String closeEvent(CloseCode code, String reason) {
        return "event: close\ndata: {\"code\":" + code.code() + ",\"reason\":" + quote(reason) + "}\n\n";
    }

    /** A JSON string: our reasons are short fixed texts, but escaped all the same. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** For tests: weight of what is queued and not yet written. */
    long queued() {
        return queuedBytes.get();
    }
}
