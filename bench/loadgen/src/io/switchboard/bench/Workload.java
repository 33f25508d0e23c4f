package io.switchboard.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * What every workload shares: opening connections with a bound on handshakes in flight, the
 * per-member order check (every {@code message} seq must be the one after the last, starting after
 * the {@code welcome}'s), error counting, and the results it prints.
 *
 * <p>Any error (a gap, a reorder, a refused or dropped connection, an {@code error} frame, a reply
 * that never came) is counted and fails the workload's row in the report.
 */
abstract class Workload implements Loop.Handler {

    static final byte[] T_WELCOME = Json.quoted("welcome");
    static final byte[] T_MESSAGE = Json.quoted("message");
    static final byte[] T_ACK = Json.quoted("ack");
    static final byte[] T_PONG = Json.quoted("pong");
    static final byte[] T_PRESENCE = Json.quoted("presence");
    static final byte[] T_ERROR = Json.quoted("error");

    final Options o;
    final Loop loop;
    long errors;
    long welcomed;
    long failedOpens;
    long frames;
    long lastFrameNanos = System.nanoTime();
    /** While true, a close is expected and is not an error. */
    boolean tearingDown;

    Workload(Options o) throws IOException {
        this.o = o;
        this.loop = new Loop("127.0.0.1", o.port, this);
    }

    abstract void run() throws Exception;

    void error(String what) {
        errors++;
        if (errors <= 10) {
            System.err.println("error: " + what);
        }
    }

    static void result(String metric, double value) {
        System.out.printf("RESULT\t%s\t%.3f%n", metric, value);
    }

    @Override
    public void onText(Conn c, byte[] b, int off, int len) {
        frames++;
        lastFrameNanos = System.nanoTime();
        int t = Json.valueAt(b, off, len, Json.TYPE);
        if (Json.isType(b, off, len, t, T_MESSAGE)) {
            long seq = Json.number(b, off, len, Json.SEQ, -1);
            if (c.nextSeq >= 0 && seq != c.nextSeq) {
                error("conn " + c.id + ": seq " + seq + " where " + c.nextSeq + " was due ("
                        + (seq > c.nextSeq ? "gap" : "reorder or repeat") + ")");
            }
            c.nextSeq = seq + 1;
            onMessage(c, seq, Json.number(b, off, len, Json.TEXT, -1));
        } else if (Json.isType(b, off, len, t, T_PONG)) {
            onPong(c, Json.number(b, off, len, Json.REF, -1));
        } else if (Json.isType(b, off, len, t, T_ACK)) {
            onAck(c, Json.number(b, off, len, Json.SEQ, -1));
        } else if (Json.isType(b, off, len, t, T_PRESENCE)) {
            // Joins and leaves of the setup: not measured.
        } else if (Json.isType(b, off, len, t, T_WELCOME)) {
            if (c.welcomed) {
                error("conn " + c.id + ": a second welcome");
            }
            c.welcomed = true;
            welcomed++;
            c.nextSeq = Json.topLevelNumber(b, off, len, Json.SEQ, 0) + 1;
            onWelcome(c);
        } else if (Json.isType(b, off, len, t, T_ERROR)) {
            error("conn " + c.id + ": " + new String(b, off, Math.min(len, 200), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    void onMessage(Conn c, long seq, long scheduledNanos) {
    }

    void onPong(Conn c, long ref) {
    }

    void onAck(Conn c, long seq) {
    }

    void onWelcome(Conn c) {
    }

    @Override
    public void onClosed(Conn c, String why) {
        if (!c.welcomed) {
            failedOpens++;
            error("conn " + c.id + " " + c.path + " did not open: " + why);
        } else if (!tearingDown) {
            error("conn " + c.id + " closed: " + why);
        }
    }

    /** Runs the loop until {@code done} or the timeout; false on the timeout. {@code tick} runs between polls. */
    boolean runUntil(BooleanSupplier done, long timeoutNanos, Runnable tick) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            loop.poll(tick == null ? 5 : 1);
            if (tick != null) {
                tick.run();
            }
        }
        return true;
    }

    /**
     * Opens {@code n} connections, at most {@code inFlight} of them not yet welcomed at a time; returns
     * them, with every one welcomed or failed (counted as errors). {@code latencies}, when given,
     * gets each one's connect-to-welcome time.
     */
    Conn[] openAll(int n, IntFunction<String> path, int inFlight, long timeoutNanos) throws IOException {
        Conn[] conns = new Conn[n];
        long welcomedBefore = welcomed;
        long failedBefore = failedOpens;
        int[] launched = {0};
        Runnable launch = () -> {
            while (launched[0] < n && launched[0] - (welcomed - welcomedBefore) - (failedOpens - failedBefore) < inFlight) {
                conns[launched[0]] = loop.connect(o.base + path.apply(launched[0]), launched[0], o.portFor(launched[0]));
                launched[0]++;
            }
        };
        launch.run();
        boolean done = runUntil(() -> (welcomed - welcomedBefore) + (failedOpens - failedBefore) >= n, timeoutNanos, launch);
        if (!done) {
            error("only " + (welcomed - welcomedBefore) + " of " + n + " connections welcomed in time ("
                    + launched[0] + " launched)");
        }
        return conns;
    }

    /** Runs the loop until no frame has arrived for {@code quietMillis} (presence after joins), at most {@code maxMillis}. */
    void settle(long quietMillis, long maxMillis) throws IOException {
        long end = System.nanoTime() + maxMillis * 1_000_000;
        while (System.nanoTime() < end && System.nanoTime() - lastFrameNanos < quietMillis * 1_000_000) {
            loop.poll(10);
        }
    }

    /** Runs the loop for {@code millis} with {@code tick} between polls. */
    void runFor(long millis, Runnable tick) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            loop.poll(1);
            if (tick != null) {
                tick.run();
            }
        }
    }

    /** Percentile of the first {@code n} samples (sorted in place), in milliseconds. */
    static double percentileMillis(long[] samples, int n, double p) {
        if (n == 0) {
            return Double.NaN;
        }
        return samples[(int) Math.min(n - 1, Math.round(p * (n - 1)))] / 1e6;
    }

    static void sort(long[] samples, int n) {
        Arrays.sort(samples, 0, n);
    }

    static String pad(int n) {
        return "x".repeat(n);
    }
}
