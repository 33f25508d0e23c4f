package io.switchboard.transport;

import io.switchboard.protocol.CloseCode;

/**
 * One client connection as plain code sees it: a bounded outgoing queue and a way to close.
 *
 * <p>Broadcasts {@link #offer} under their channel's lock, which fixes the order every member
 * receives, then {@link #flush} after releasing it: no socket write ever happens under a lock.
 */
public interface Peer {

    String id();

    /** The client's IP address as the container reported it at the handshake, for limits and logs. */
    default String remoteAddress() {
        return io.switchboard.identity.Handshake.UNKNOWN_ADDRESS;
    }

    /**
     * Queues an encoded frame. Never blocks, never throws. Returns false when the peer is closed or
     * its queue just passed its bound; the overflow itself is handled on the next {@link #flush}.
     */
    boolean offer(String frame);

    /** Starts sending what is queued, or handles an overflow. Call outside any lock. */
    void flush();

    /** {@link #offer} then {@link #flush}: for replies to this peer alone. */
    default boolean send(String frame) {
        boolean queued = offer(frame);
        flush();
        return queued;
    }

    /** Runs {@code action} (outside any lock) when the outgoing queue overflows. */
    void onOverflow(Runnable action);

    /** Sends a WebSocket ping; the client's pong counts as hearing from it. */
    void ping();

    /** Sends a close frame, then drops the connection hard if the client has not gone within a grace period. */
    void close(CloseCode code, String reason);
}
