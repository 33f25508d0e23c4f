package io.switchboard.transport;

import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.Metrics;
import io.switchboard.protocol.ClientMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/**
 * What both endpoints do with their session: open a connection in the contract's order, hand it
 * decoded frames and pongs, close on binary frames, and end it once, even when the client's close
 * races the open. A subclass only says how to open its kind of connection. One instance per session.
 */
public abstract class SwitchboardEndpoint extends Endpoint {

    private final Transport transport;
    /** Guarded by {@code this}: the open and the close may run on different threads. */
    private Connection connection;
    private boolean ended;

    protected SwitchboardEndpoint(Transport transport) {
        this.transport = transport;
    }

    /**
     * Builds this endpoint's connection once the handshake has proved who is calling.
     *
     * @throws io.switchboard.protocol.Refusal to close instead, before any {@code welcome}
     */
    protected abstract Connection open(Peer peer, Identity identity, Handshake handshake, Session session);

    /** Which {@code endpoint} label this endpoint's connections count under. */
    protected abstract Metrics.Endpoint endpoint();

    @Override
    public final void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(ClientMessage.class, (MessageHandler.Whole<ClientMessage>) message -> {
            Connection current = current();
            if (current != null) {
                current.receive(message);
            }
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> transport.onBinary(current()));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> {
            Connection current = current();
            if (current != null) {
                current.heard();
            }
        });
        Connection opened = transport.open(session, endpoint(),
                (peer, identity, handshake) -> open(peer, identity, handshake, session));
        boolean endNow;
        synchronized (this) {
            connection = opened;
            endNow = ended;
        }
        if (endNow && opened != null) {
            // The client closed while we opened: its close found no connection to end.
            opened.closed();
        }
    }

    @Override
    public final void onError(Session session, Throwable error) {
        transport.onError(session, current(), error);
    }

    @Override
    public final void onClose(Session session, CloseReason reason) {
        Connection current;
        synchronized (this) {
            ended = true;
            current = connection;
        }
        if (current != null) {
            transport.onClose(current, reason.getCloseCode().getCode());
            current.closed();
        }
    }

    private synchronized Connection current() {
        return connection;
    }
}
