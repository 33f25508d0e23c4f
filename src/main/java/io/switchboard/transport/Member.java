package io.switchboard.transport;

import io.switchboard.protocol.CloseCode;

/** What a channel needs of a connection: where its frames go, whose it is, and how to end it. */
public interface Member {

    Peer peer();

    /** The user id, counted once in presence however many connections it has. */
    String user();

    void close(CloseCode code, String reason);

    /** True once the connection has ended: a channel must not add it any more. */
    boolean isClosed();
}
