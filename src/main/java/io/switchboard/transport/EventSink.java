package io.switchboard.transport;

import java.io.IOException;

/**
 * The HTTP response an event stream (protocol section 12) is written to, without blocking: a
 * suspended Grizzly response standalone, an {@code AsyncContext} with a {@code WriteListener} in a
 * container. Only the one thread that drains an {@link EventStreamPeer} calls {@link #ready} and
 * {@link #write}; the sink reports back through the {@link Listener} it was given.
 */
public interface EventSink {

    /** What the sink tells its stream, from any thread. */
    interface Listener {
        /** The response can take bytes again after {@link #ready} said it could not. */
        void writable();

        /** The client went away or the container ended the response: nothing more can be written. */
        void gone();
    }

    /** Called once, before anything else. */
    void listen(Listener listener);

    /**
     * Sends the status (200) and the headers of an event stream and keeps the response open after the
     * request's handler returns. Called once, on the request's own thread, after every check passed.
     */
    void start();

    /**
     * True when {@link #write} can take bytes now without blocking. Otherwise false, and the sink
     * calls {@link Listener#writable} once it can (perhaps before this returns). A sink may also
     * finish handing on earlier bytes here.
     */
    boolean ready();

    /** Hands {@code bytes} on and flushes them; only right after {@link #ready} said true. */
    void write(byte[] bytes) throws IOException;

    /** Completes the response after the last event. Idempotent. */
    void end();

    /** Drops the connection: the client did not take the last event within the close grace. Idempotent. */
    void abort();
}
