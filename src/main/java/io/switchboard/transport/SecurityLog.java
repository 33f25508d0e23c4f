package io.switchboard.transport;

import io.switchboard.protocol.Utf16;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place security events are logged, on the logger {@value #NAME}: a refused token, origin or
 * limit, and a flood. Each event is logged once per connection (or refused handshake), with the
 * remote address and the user when known. Callers pass reasons, never tokens or keys; this class
 * also strips anything that looks like a JWT, in case a reason ever quotes one.
 *
 * <p>Bounded, so that refused handshakes cannot flood the log: per event kind and address at most
 * {@value #LINES_PER_KEY} lines a window of {@value #WINDOW_SECONDS} s, then one line saying the
 * rest is suppressed, and when the window has passed one line counting what was. All addresses
 * together get at most {@value #LINES_PER_WINDOW} lines a window, counted likewise. The counters
 * are kept only for addresses that logged a line in the current or last window, so there are at most
 * a few hundred of them, whatever the clients do. A count is reported at the next event after its
 * window ends (this class has no thread of its own).
 */
public final class SecurityLog {

    public static final String NAME = "io.switchboard.security";
    static final int LINES_PER_KEY = 10;
    static final int LINES_PER_WINDOW = 100;
    static final long WINDOW_SECONDS = 60;
    private static final int MAX_CLEAN_CODE_POINTS = 200;
    private static final Logger LOG = Logger.getLogger(NAME);
    private static final Throttle THROTTLE = new Throttle(System::nanoTime, TimeUnit.SECONDS.toNanos(WINDOW_SECONDS),
            LINES_PER_KEY, LINES_PER_WINDOW, SecurityLog::write);

    private SecurityLog() {
    }

    /** {@code event} is a short fixed word: {@code token}, {@code origin}, {@code flood}, {@code limit}, {@code forbidden}. */
    public static void event(String event, String remoteAddress, String user, String detail) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        String address = clean(remoteAddress);
        THROTTLE.event(event, address, () -> "security " + event + " from " + address + " user="
                + (user == null ? "-" : clean(user)) + ": " + clean(detail));
    }

    /** Forgets every counter without reporting it: a fresh start, for tests that count lines. */
    public static void reset() {
        THROTTLE.reset();
    }

    private static void write(String line) {
        LOG.info(line);
    }

    /**
     * Caps the length (on a code point), drops what could forge or disguise a log line (controls,
     * U+0085, the line and paragraph separators, bidi controls, lone surrogates: see
     * {@link Utf16#isControl}), and masks JWT-shaped text.
     */
    static String clean(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CLEAN_CODE_POINTS + 1));
        int codePoints = 0;
        for (int i = 0; i < text.length(); ) {
            if (codePoints == MAX_CLEAN_CODE_POINTS) {
                out.append('…');
                break;
            }
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            int codePoint = pair ? Character.toCodePoint(c, text.charAt(i + 1)) : c;
            if (Character.isSurrogate(c) && !pair || Utf16.isControl(codePoint)) {
                out.append('?');
            } else {
                out.appendCodePoint(codePoint);
            }
            i += pair ? 2 : 1;
            codePoints++;
        }
        return out.toString().replaceAll("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*", "[token]");
    }

    /** The counting behind {@link #event}, with its clock and output passed in so a test can drive it. */
    static final class Throttle {

        private static final int MAX_KEYS = 4 * LINES_PER_WINDOW;

        /** One event kind from one address, in its current window. */
        private static final class Count {
            final String kind;
            final String address;
            final long windowStart;
            int logged;
            long suppressed;

            Count(String kind, String address, long windowStart) {
                this.kind = kind;
                this.address = address;
                this.windowStart = windowStart;
            }
        }

        private final LongSupplier nanos;
        private final long windowNanos;
        private final int perKey;
        private final int perWindow;
        private final Consumer<String> out;
        /** Guarded by {@code this}, like the fields below; insertion order is window order. */
        private final Map<String, Count> counts = new LinkedHashMap<>();
        private long windowStart;
        private int loggedInWindow;
        private long suppressedInWindow;

        Throttle(LongSupplier nanos, long windowNanos, int perKey, int perWindow, Consumer<String> out) {
            this.nanos = nanos;
            this.windowNanos = windowNanos;
            this.perKey = perKey;
            this.perWindow = perWindow;
            this.out = out;
            this.windowStart = nanos.getAsLong();
        }

        void event(String kind, String address, java.util.function.Supplier<String> line) {
            List<String> lines = new ArrayList<>(3);
            synchronized (this) {
                long now = nanos.getAsLong();
                expire(now, lines);
                String key = kind + ' ' + address;
                Count count = counts.get(key);
                if (count == null && loggedInWindow < perWindow && counts.size() < MAX_KEYS) {
                    count = new Count(kind, address, now);
                    counts.put(key, count);
                }
                if (count == null || loggedInWindow >= perWindow) {
                    if (suppressedInWindow++ == 0) {
                        lines.add("security: more than " + perWindow + " events in " + seconds() + " s, suppressing the rest");
                    }
                } else if (count.logged < perKey) {
                    count.logged++;
                    loggedInWindow++;
                    lines.add(line.get());
                } else if (count.suppressed++ == 0) {
                    lines.add("security " + kind + " from " + address + ": more than " + perKey + " in " + seconds()
                            + " s, suppressing the rest");
                }
            }
            lines.forEach(out);
        }

        /** Ends the windows that have passed, reporting what each suppressed. */
        private void expire(long now, List<String> lines) {
            for (Iterator<Count> it = counts.values().iterator(); it.hasNext(); ) {
                Count count = it.next();
                if (now - count.windowStart < windowNanos) {
                    break; // the rest started later
                }
                it.remove();
                if (count.suppressed > 0) {
                    lines.add("security " + count.kind + " from " + count.address + ": " + count.suppressed
                            + " more suppressed in " + seconds() + " s");
                }
            }
            if (now - windowStart >= windowNanos) {
                if (suppressedInWindow > 0) {
                    lines.add("security: " + suppressedInWindow + " more events suppressed in " + seconds() + " s");
                }
                windowStart = now;
                loggedInWindow = 0;
                suppressedInWindow = 0;
            }
        }

        private long seconds() {
            return TimeUnit.NANOSECONDS.toSeconds(windowNanos);
        }

        synchronized int trackedKeys() {
            return counts.size();
        }

        synchronized void reset() {
            counts.clear();
            windowStart = nanos.getAsLong();
            loggedInWindow = 0;
            suppressedInWindow = 0;
        }
    }
}
