package io.switchboard.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per connection the server closes, with its code, on the logger {@value #NAME}; refusals
 * are logged by {@link SecurityLog}. Bounded like it: at most {@value #LINES_PER_WINDOW} lines per
 * {@value #WINDOW_SECONDS} s over the whole JVM, so clients cannot flood the log by getting
 * themselves closed; the next line after a full window says how many were left out. No thread of
 * its own, no stack traces: a close is an answer, not a bug.
 */
public final class ConnectionLog {

    public static final String NAME = "io.switchboard.connections";
    static final int LINES_PER_WINDOW = 100;
    static final long WINDOW_SECONDS = 10;
    private static final long WINDOW_NANOS = WINDOW_SECONDS * 1_000_000_000L;
    private static final Logger LOG = Logger.getLogger(NAME);

    /** Guarded by {@code ConnectionLog.class}. */
    private static long windowStart = System.nanoTime();
    private static int lines;
    private static long suppressed;

    private ConnectionLog() {
    }

    /** The server closed a connection (or refused one after its handshake) with {@code code}. */
    public static void closed(String id, String remoteAddress, String user, int code, String reason) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        long left = admit();
        if (left < 0) {
            return;
        }
        String line = "closed " + code + " " + SecurityLog.clean(id) + " from " + SecurityLog.clean(remoteAddress)
                + " user=" + (user == null ? "-" : SecurityLog.clean(user)) + ": " + SecurityLog.clean(reason)
                + (left > 0 ? " (" + left + " earlier close lines left out)" : "");
        LOG.info(line);
    }

    /** A line on its own, outside the bound: one per shutdown. */
    public static void summary(String line) {
        LOG.info(line);
    }

    /** For tests: a fresh window, nothing left out. */
    static synchronized void reset() {
        windowStart = System.nanoTime();
        lines = 0;
        suppressed = 0;
    }

    /** For tests: moves the current window's start {@code nanos} into the past. */
    static synchronized void age(long nanos) {
        windowStart -= nanos;
    }

    /** -1 when this line is over the bound; else how many lines were left out before it. */
    private static synchronized long admit() {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            lines = 0;
        }
        if (lines >= LINES_PER_WINDOW) {
            suppressed++;
            return -1;
        }
        lines++;
        long left = suppressed;
        suppressed = 0;
        return left;
    }
}
