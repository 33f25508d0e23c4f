package io.switchboard.standalone;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * The end of a WebSocket's TCP connection after the server's close frame, as RFC 6455 7.1.1 asks:
 * the server's half is shut down once the close frame is in the kernel (so the client reads the
 * frame, then end of stream), and what the client still sends is read and discarded until it closes
 * its half, or a grace passes; only then is the socket closed.
 *
 * <p>Why: Tyrus closes the socket right after queuing its close frame. A socket closed while bytes
 * from the client sit unread in its receive buffer makes the kernel answer with a reset, which also
 * throws away whatever the server had not yet sent, the close frame included: a client that flooded
 * (1008), sent a frame over the limit (1009), broke the protocol (1002, 1007), or fell behind (1013)
 * saw 1006 instead.
 *
 * <p>How: {@link #holdOpen} turns Grizzly's graceful close of this connection into a no-op, so
 * Tyrus's close that follows its close frame leaves the socket open, and {@link #linger} drains it
 * from a timer thread of its own and finally terminates it. Grizzly has no hook for closing a
 * connection ({@code TCPNIOTransport} is final, its {@code closeConnection} internal), so the no-op
 * is reached through one private field, {@code NIOConnection.isCloseScheduled}, the flag Grizzly's
 * own graceful close checks first; {@link #available()} says whether this Grizzly has it, and a test
 * fails loudly when an upgrade removes it. Without it, connections close as before.
 * {@code terminateSilently()} (ours, the request deadline's, the hard close after the close grace)
 * and Grizzly's own end-of-stream handling close for real, whatever the flag says.
 */
final class LingeringClose {

    private static final Logger LOG = Logger.getLogger(LingeringClose.class.getName());
    private static final Field CLOSE_SCHEDULED = closeScheduledField();
    private static final long FIRST_POLL_MILLIS = 2;
    private static final long MAX_POLL_MILLIS = 200;
    /** Bytes read per poll at most, so one client cannot keep the thread. */
    private static final int MAX_BYTES_PER_POLL = 256 * 1024;

    /** One daemon thread for every server in this JVM: each poll is a few non-blocking reads. */
    private static final class Drainer {
        static final ScheduledThreadPoolExecutor TIMER = timer();
        /** Discarded bytes land here; only the timer thread touches it. */
        static final ByteBuffer SCRATCH = ByteBuffer.allocateDirect(16 * 1024);

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "switchboard-lingering-close");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private LingeringClose() {
    }

    /** True when this Grizzly lets a close be held (see the class comment). */
    static boolean available() {
        return CLOSE_SCHEDULED != null;
    }

    /**
     * From now on Grizzly's graceful close ({@code close()}, {@code closeSilently()}) leaves this
     * connection open; a later {@link #linger} ends it. Grizzly also stops asking the selector for
     * reads on it once the read in progress is done, which {@link #linger} takes over.
     */
    static boolean holdOpen(Connection<?> connection) {
        if (CLOSE_SCHEDULED == null || !(connection instanceof NIOConnection)) {
            return false;
        }
        try {
            return ((AtomicBoolean) CLOSE_SCHEDULED.get(connection)).compareAndSet(false, true);
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Call once the server's close frame is written to the socket: shuts the server's half down (the
     * client reads the frame, then end of stream), then reads and discards until the client closes
     * its half or {@code graceNanos} pass, and terminates the connection.
     */
    static void linger(Connection<?> connection, long graceNanos) {
        SelectableChannel selectable = connection instanceof NIOConnection nio ? nio.getChannel() : null;
        if (!(selectable instanceof SocketChannel channel) || !connection.isOpen()) {
            connection.terminateSilently();
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            connection.terminateSilently();
            return;
        }
        new Drain(connection, channel, System.nanoTime() + graceNanos).schedule(FIRST_POLL_MILLIS);
    }

    /** Polls one lingering connection with a growing delay: reads are few once a client has stopped. */
    private static final class Drain implements Runnable {
        private final Connection<?> connection;
        private final SocketChannel channel;
        private final long deadline;
        private long delayMillis;

        Drain(Connection<?> connection, SocketChannel channel, long deadline) {
            this.connection = connection;
            this.channel = channel;
            this.deadline = deadline;
        }

        void schedule(long delay) {
            delayMillis = delay;
            try {
                Drainer.TIMER.schedule(this, delay, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                connection.terminateSilently();
            }
        }

        @Override
        public void run() {
            if (!connection.isOpen()) {
                return;
            }
            int total = 0;
            try {
                while (total < MAX_BYTES_PER_POLL) {
                    Drainer.SCRATCH.clear();
                    int read = channel.read(Drainer.SCRATCH);
                    if (read < 0) {
                        // The client closed its half: nothing is left unread, so this close sends no reset.
                        connection.terminateSilently();
                        return;
                    }
                    if (read == 0) {
                        break;
                    }
                    total += read;
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINEST, "lingering read failed", e);
                connection.terminateSilently();
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                connection.terminateSilently();
                return;
            }
            // A client still sending is read again soon; a quiet one less and less often.
            schedule(total > 0 ? FIRST_POLL_MILLIS : Math.min(MAX_POLL_MILLIS, delayMillis * 2));
        }
    }

    private static Field closeScheduledField() {
        try {
            Field field = NIOConnection.class.getDeclaredField("isCloseScheduled");
            if (field.getType() != AtomicBoolean.class) {
                return null;
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "this Grizzly has no NIOConnection.isCloseScheduled: WebSocket closes will not linger", e);
            return null;
        }
    }
}
