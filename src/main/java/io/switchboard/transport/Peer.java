package io.switchboard.transport;

import io.switchboard.protocol.CloseCode;

/**
 * One client connection as plain code sees it: a bounded outgoing queue and a way to close.
 *
 * <p>{@link #offer} queues and never blocks or throws; the frames leave when the current {@link
 * Outbox} scope ends, so a broadcast may offer under its channel's lock, which fixes the order every
 * member receives, while no socket is written under any lock.
 */
public interface Peer {

    String id();

    /** The client's IP address as the container reported it at the handshake, for limits and logs. */
    default String remoteAddress() {
        return io.switchboard.identity.Handshake.UNKNOWN_ADDRESS;
    }

    /**
     * Queues a frame. Returns false when the peer is closed or its queue just passed its bound (the
     * overflow then closes it with 1013 once the scope ends).
     */
    boolean offer(Frame frame);

    /** Starts sending what is queued, or handles an overflow. Called by {@link Outbox} only. */
    void flush();

    /** True when the queue holds more than half its bound: a catch-up should wait for {@link #whenDrained}. */
    boolean backlogged();

    /** Runs {@code action} once, when the queue has drained below half its bound (at once if it has). */
    void whenDrained(Runnable action);

    /** Runs {@code action} (outside any lock) when the outgoing queue overflows or a send fails. */
    void onFailure(Failure action);

    /** Bytes (UTF-16 units) queued and in flight now; read when metrics are scraped. */
    default long queuedBytes() {
        return 0;
    }

    /** Sends a WebSocket ping in turn with the frames; the client's pong counts as hearing from it. */
    void ping();

    /** Sends a close frame, then drops the connection hard if the client has not gone within a grace period. */
    void close(CloseCode code, String reason);

    /** Why a peer can no longer send. */
    @FunctionalInterface
    interface Failure {
        void failed(CloseCode code, String reason);
    }
}
