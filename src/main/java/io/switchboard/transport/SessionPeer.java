package io.switchboard.transport;

import io.switchboard.ops.EndpointMeters;
import io.switchboard.ops.Metrics;
import io.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
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
 * A {@link Peer} over a WebSocket {@link Session}. At most one frame (or ping) is handed to the
 * container at a time, so sends never overlap and the container's own unbounded queue never grows;
 * the rest wait in our queue, bounded by {@code maxQueuedBytes}.
 *
 * <p>No failure of a send, checked or not, escapes the drain: it ends this connection (1011) and
 * nothing else.
 */
final class SessionPeer implements Peer {

    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** A ping takes its turn in the queue like a frame. */
    private static final Object PING = new Object();
    /** At most this many bytes of queued frames go in one write (more when one frame alone is larger). */
    static final int BATCH_BYTES = 16 * 1024;

    /** The close frame, in turn after what was queued before it (the last replies of a flooding client). */
    private record Closing(CloseCode code, String reason) {
    }

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final int maxQueuedBytes;
    private final ScheduledExecutorService scheduler;
    private final long closeGraceMillis;
    private final String remoteAddress;
    private final EndpointMeters meters;
    private final Metrics metrics;
    /** Null: send text through the standard API (a container without raw frames, or an extension). */
    private final TyrusAccess.RawSender raw;

    /** Frames and pings, oldest first. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Weight of the queued frames plus the one in flight. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** True while one thread owns the drain: it alone polls the queue and hands frames on. */
    private final AtomicBoolean sending = new AtomicBoolean();
    /** True from an offer until the flush that follows it: one outbox entry per burst of offers. */
    private final AtomicBoolean flushDue = new AtomicBoolean();
    private final AtomicBoolean failureHandled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Runnable> drained = new AtomicReference<>();
    private volatile boolean overflowed;
    private volatile Failure onFailure = (code, reason) -> { };

    SessionPeer(Session session, String remoteAddress, int maxQueuedBytes, ScheduledExecutorService scheduler,
                long closeGraceMillis) {
        this(session, remoteAddress, maxQueuedBytes, scheduler, closeGraceMillis, EndpointMeters.none(), Metrics.disabled());
    }

    SessionPeer(Session session, String remoteAddress, int maxQueuedBytes, ScheduledExecutorService scheduler,
                long closeGraceMillis, EndpointMeters meters, Metrics metrics) {
        this.meters = meters;
        this.metrics = metrics;
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.maxQueuedBytes = maxQueuedBytes;
        this.scheduler = scheduler;
        this.closeGraceMillis = closeGraceMillis;
        this.remoteAddress = remoteAddress;
        this.raw = TyrusAccess.rawSender(session);
        TyrusAccess.beforeEachWrite(session, this::flushIfDue);
    }

    /**
     * Sends what an unfinished {@link Outbox} scope holds for this connection now: Tyrus is about to
     * write a frame of its own (a pong, a close), which must not overtake our earlier replies.
     */
    private void flushIfDue() {
        if (flushDue.get()) {
            flush();
        }
    }

    EndpointMeters meters() {
        return meters;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** For tests of {@link TyrusAccess}. */
    Session session() {
        return session;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String id() {
        return session.getId();
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
            overflowed = true;
            scheduleFlush();
            return false;
        }
        queue.offer(frame);
        scheduleFlush();
        return true;
    }

    private void scheduleFlush() {
        if (flushDue.compareAndSet(false, true)) {
            Outbox.needsFlush(this);
        }
    }

    @Override
    public void flush() {
        flushDue.set(false);
        if (overflowed) {
            fail(CloseCode.TOO_SLOW, "outgoing queue full: reconnect with since");
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

    /**
     * Hands the failure to the connection on another thread: a container's send callback can run
     * while the container holds its connection lock, and ending a connection takes channel locks.
     */
    private void fail(CloseCode code, String reason) {
        if (failureHandled.compareAndSet(false, true)) {
            if (code == CloseCode.TOO_SLOW) {
                metrics.queueOverflow(); // the only failure that is not a send's: the queue passed its bound
            }
            queue.clear();
            Runnable handle = () -> Outbox.run(() -> onFailure.failed(code, reason));
            try {
                scheduler.execute(handle);
            } catch (RejectedExecutionException stopping) {
                handle.run();
            }
        }
    }

    /**
     * Hands queued frames to the container one at a time. A send that completes on this very thread
     * loops here instead of recursing, so a long queue cannot overflow the stack.
     */
    private void drain() {
        while (true) {
            Object next = queue.poll();
            if (next == null) {
                sending.set(false);
                // Something offered after our poll but before the flag dropped would be stranded.
                if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (next instanceof Closing closing) {
                queue.clear();
                closeSession(closing.code(), closing.reason());
                sending.set(false);
                return;
            }
            if (next == PING) {
                sendPing();
                continue;
            }
            Frame frame = (Frame) next;
            Completion completion;
            try {
                if (raw != null) {
                    Batch batch = batch(frame);
                    completion = new Completion(batch.weight);
                    raw.send(batch.wire).whenComplete(completion);
                } else {
                    completion = new Completion(frame.weight());
                    meters.sent();
                    remote.sendText(frame.text(), completion);
                }
            } catch (Throwable e) { // an Error too: Tyrus's encoder throws one for unencodable text
                sending.set(false);
                sendFailed(e);
                return;
            }
            if (!completion.returned()) {
                return;
            }
        }
    }

    /** Frames written together: their bytes in one buffer and their weight in the queue. */
    private record Batch(ByteBuffer wire, int weight) {
    }

    /**
     * {@code first} and the frames queued right behind it, up to {@link #BATCH_BYTES}, as one write:
     * when a read carried many requests (or a room many messages), one system call, not one each.
     * A frame alone goes as it is, its shared bytes uncopied (a broadcast's usual case).
     */
    private Batch batch(Frame first) {
        meters.sent();
        ByteBuffer wire = first.wire();
        int bytes = wire.remaining();
        int count = 0;
        // Only the draining thread takes from the queue, so the frames counted here are the ones polled below.
        for (Object queued : queue) {
            if (!(queued instanceof Frame following) || bytes + following.wireLength() > BATCH_BYTES) {
                break;
            }
            bytes += following.wireLength();
            count++;
        }
        if (count == 0) {
            return new Batch(wire, first.weight());
        }
        ByteBuffer joined = ByteBuffer.allocate(bytes).put(wire);
        int weight = first.weight();
        for (int i = 0; i < count; i++) {
            Frame following = (Frame) queue.poll();
            meters.sent();
            joined.put(following.wire());
            weight += following.weight();
        }
        return new Batch(joined.flip(), weight);
    }

    private void sendPing() {
        try {
            if (session.isOpen()) {
                remote.sendPing(EMPTY.duplicate());
            }
        } catch (Throwable e) {
            LOG.log(Level.FINE, "ping to " + id() + " failed", e);
        }
    }

    private void sendFailed(Throwable e) {
        if (e instanceof VirtualMachineError error) {
            fail(CloseCode.INTERNAL_ERROR, "internal error");
            throw error;
        }
        LOG.log(Level.FINE, "send to " + id() + " failed", e);
        fail(CloseCode.INTERNAL_ERROR, "send failed");
    }

    /** Whichever comes second, the container's callback or sendText returning, continues the drain. */
    private final class Completion implements SendHandler, java.util.function.BiConsumer<Object, Throwable> {
        private final int size;
        private final AtomicInteger state = new AtomicInteger();

        Completion(int size) {
            this.size = size;
        }

        @Override
        public void onResult(SendResult result) {
            try {
                queuedBytes.addAndGet(-size);
                if (!result.isOK()) {
                    sending.set(false);
                    sendFailed(result.getException() == null ? new IllegalStateException("send failed") : result.getException());
                    return;
                }
                if (!backlogged()) {
                    runDrained();
                }
                if (!state.compareAndSet(0, 1)) {
                    drain();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "send completion of " + id() + " failed", e);
            }
        }

        /** A raw frame's completion. */
        @Override
        public void accept(Object written, Throwable error) {
            onResult(error == null ? new SendResult() : new SendResult(error));
        }

        /** True when the send already completed, so the caller should go on draining. */
        boolean returned() {
            return !state.compareAndSet(0, 2);
        }
    }

    @Override
    public void ping() {
        if (closed.get()) {
            return;
        }
        queue.offer(PING);
        scheduleFlush();
    }

    /**
     * Closes after what is already queued, so a client learns why (its last {@code rate_limited}
     * before 1008); a client too slow to read its queue (1013) gets the close frame at once instead.
     */
    @Override
    public void close(CloseCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        metrics.closed(code.code());
        runDrained();
        if (code == CloseCode.TOO_SLOW || failureHandled.get()) {
            queue.clear();
            closeSession(code, reason);
        } else {
            queue.offer(new Closing(code, reason));
            scheduleFlush();
        }
        // A close frame to a client that stopped reading waits behind what it has not read: cut it.
        try {
            scheduler.schedule(() -> TyrusAccess.hardClose(session), closeGraceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The server is stopping: its sockets close with it.
        }
    }

    private void closeSession(CloseCode code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), reason));
            }
        } catch (Throwable e) {
            LOG.log(Level.FINE, "close of " + id() + " failed", e);
        }
    }
}
