package io.switchboard.transport;

/**
 * A way to drop a TCP connection without the client's cooperation. A close frame to a client that
 * has stopped reading waits behind the data it has not read, and the socket would stay open; the
 * standalone server captures Grizzly's connection during the handshake so we can cut it.
 */
public final class HardClose {

    /** The user-property key under which a handshake leaves its connection's {@link Runnable}. */
    public static final String KEY = HardClose.class.getName();

    /** Set by a transport filter on the thread that then runs the handshake. */
    private static final ThreadLocal<Runnable> CAPTURED = new ThreadLocal<>();

    private HardClose() {
    }

    public static void capture(Runnable terminate) {
        CAPTURED.set(terminate);
    }

    /** What the current thread's transport captured, or null in containers that capture nothing. */
    static Runnable captured() {
        return CAPTURED.get();
    }
}
