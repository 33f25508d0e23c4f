package io.switchboard.transport;

import io.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a WebSocket {@link Session}. At most one frame is handed to the container at a
 * time, so sends never overlap and the container's own (unbounded) queue never grows; the rest wait
 * in our queue, bounded by {@code maxQueuedBytes} (counted in UTF-16 units, close enough for JSON).
 */
final class SessionPeer implements Peer {

    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final int maxQueuedBytes;
    private final ScheduledExecutorService scheduler;
    private final long closeGraceMillis;
    private final Runnable hardClose;

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    /** Size of the queued frames plus the one in flight. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** True while one thread owns the drain: it alone polls the queue and hands frames on. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean overflowHandled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean overflowed;
    private volatile Runnable onOverflow = () -> { };

    SessionPeer(Session session, int maxQueuedBytes, ScheduledExecutorService scheduler, long closeGraceMillis) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.maxQueuedBytes = maxQueuedBytes;
        this.scheduler = scheduler;
        this.closeGraceMillis = closeGraceMillis;
        this.hardClose = (Runnable) session.getUserProperties().get(HardClose.KEY);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public boolean offer(String frame) {
        if (closed.get() || overflowed) {
            return false;
        }
        long queued = queuedBytes.addAndGet(frame.length());
        // A frame alone in the queue always goes: a recovering welcome may be larger than the bound,
        // and refusing it would close with 1013 a client that 1013 told to recover with since.
        if (queued > maxQueuedBytes && queued != frame.length()) {
            overflowed = true;
            return false;
        }
        queue.offer(frame);
        return true;
    }

    @Override
    public void flush() {
        if (overflowed) {
            if (overflowHandled.compareAndSet(false, true)) {
                queue.clear();
                onOverflow.run();
            }
            return;
        }
        if (sending.compareAndSet(false, true)) {
            drain();
        }
    }

    @Override
    public void onOverflow(Runnable action) {
        this.onOverflow = action;
    }

    /**
     * Hands queued frames to the container one at a time. A send that completes on this very thread
     * loops here instead of recursing, so a long queue cannot overflow the stack.
     */
    private void drain() {
        while (true) {
            String frame = queue.poll();
            if (frame == null) {
                sending.set(false);
                // A frame offered after our poll but before the flag dropped would be stranded.
                if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (closed.get()) {
                queue.clear();
                sending.set(false);
                return;
            }
            Completion completion = new Completion(frame.length());
            try {
                remote.sendText(frame, completion);
            } catch (RuntimeException e) {
                // The session closed under us: nothing more will be sent.
                closed.set(true);
                queue.clear();
                sending.set(false);
                return;
            }
            if (!completion.returned()) {
                return;
            }
        }
    }

    /** Whichever comes second, the container's callback or sendText returning, continues the drain. */
    private final class Completion implements SendHandler {
        private final int size;
        private final AtomicInteger state = new AtomicInteger();

        Completion(int size) {
            this.size = size;
        }

        @Override
        public void onResult(SendResult result) {
            queuedBytes.addAndGet(-size);
            if (!result.isOK()) {
                closed.set(true);
                queue.clear();
                sending.set(false);
                return;
            }
            if (!state.compareAndSet(0, 1)) {
                drain();
            }
        }

        /** True when the send already completed, so the caller should go on draining. */
        boolean returned() {
            return !state.compareAndSet(0, 2);
        }
    }

    @Override
    public void ping() {
        if (closed.get() || !session.isOpen()) {
            return;
        }
        try {
            remote.sendPing(EMPTY.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping to " + id() + " failed", e);
        }
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.clear();
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), reason));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close of " + id() + " failed", e);
        }
        if (hardClose != null) {
            scheduler.schedule(hardClose, closeGraceMillis, TimeUnit.MILLISECONDS);
        }
    }
}
