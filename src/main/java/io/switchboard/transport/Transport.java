package io.switchboard.transport;

import io.switchboard.Limits;
import io.switchboard.identity.Authenticator;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.Metrics;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.Refusal;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the thin endpoints share: opening a connection in the contract's order, the one mapping of
 * failures onto the wire, and the heartbeat.
 */
public final class Transport implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Transport.class.getName());

    private final Limits limits;
    private final Authenticator authenticator;
    private final Connections connections;
    private final Admission admission;
    private final Metrics metrics;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "switchboard-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    public Transport(Limits limits, Authenticator authenticator) {
        this(limits, authenticator, Admission.unlimited());
    }

    public Transport(Limits limits, Authenticator authenticator, Admission admission) {
        this(limits, authenticator, admission, Metrics.disabled());
    }

    public Transport(Limits limits, Authenticator authenticator, Admission admission, Metrics metrics) {
        this.metrics = metrics;
        this.limits = limits;
        this.authenticator = authenticator;
        this.admission = admission;
        this.connections = new Connections(limits, admission);
        // Token-expiry timers of closed connections are cancelled; drop them instead of holding them till expiry.
        scheduler.setRemoveOnCancelPolicy(true);
        long tick = Math.max(50, Math.min(1000, limits.pingInterval().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(this::heartbeat, tick, tick, TimeUnit.MILLISECONDS);
    }

    private final AtomicBoolean closed = new AtomicBoolean();

    public Connections connections() {
        return connections;
    }

    public Admission admission() {
        return admission;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Builds a connection once the handshake has proved who is calling. */
    @FunctionalInterface
    public interface Opener<C extends Connection> {
        /** @throws Refusal to close instead, before any {@code welcome} */
        C open(Peer peer, Identity identity, Handshake handshake);
    }

    /**
     * Opens a connection: identity (4500/4001), then the opener's own checks (name 4502, connections
     * per user 1008), then its welcome. Returns null when the connection was refused and closed.
     */
    public <C extends Connection> C open(Session session, Metrics.Endpoint endpoint, Opener<C> opener) {
        session.setMaxIdleTimeout(0); // our heartbeat decides; the container's timer is reset by our own sends
        session.setMaxTextMessageBufferSize(limits.maxMessageBytes());
        session.setMaxBinaryMessageBufferSize(1024);
        Map<String, Object> properties = session.getUserProperties();
        // Taken out, not kept: every open connection would otherwise hold its request's headers for life.
        Handshake handshake = (Handshake) properties.remove(Handshake.class.getName());
        Peer peer = new SessionPeer(session, handshake == null ? Handshake.UNKNOWN_ADDRESS : handshake.remoteAddress(),
                limits.maxQueuedBytes(), scheduler, limits.closeGrace().toMillis(), metrics.endpoint(endpoint), metrics);
        Identity identity = null;
        try {
            if (properties.containsKey(SwitchboardConfigurator.ORIGIN_REFUSED)) {
                // Logged by the configurator already.
                peer.close(CloseCode.FORBIDDEN, "origin not allowed");
                return null;
            }
            if (properties.containsKey(SwitchboardConfigurator.RATE_REFUSED)) {
                peer.close(CloseCode.TOO_SLOW, "too many handshakes: try again later");
                return null;
            }
            identity = authenticator.authenticate(handshake);
            if (!admission.handshakeByUser(identity.user())) {
                refuse(peer, identity, new Refusal(CloseCode.TOO_SLOW, "too many handshakes for this user: try again later"),
                        Metrics.Refused.RATE);
                return null;
            }
            Identity proven = identity;
            C connection = Outbox.call(() -> opener.open(peer, proven, handshake));
            expireAt(connection, identity.expires());
            return connection;
        } catch (Refusal refusal) {
            refuse(peer, identity, refusal, Metrics.Refused.of(refusal.code()));
            return null;
        }
    }

    /** A peer for an event stream (section 12) on {@code sink}: bounded, pinged and closed like a WebSocket's. */
    public EventStreamPeer streamPeer(EventSink sink, String remoteAddress) {
        return new EventStreamPeer(sink, remoteAddress, limits.maxQueuedBytes(), scheduler, limits.closeGrace().toMillis());
    }

    /**
     * The identity an HTTP request proves (4500 or 4001), then the user's handshake rate (1013), as
     * for a WebSocket. Refusals are logged here and thrown for the caller to answer in HTTP.
     */
    public Identity identify(Handshake handshake) {
        Identity identity = null;
        try {
            identity = authenticator.authenticate(handshake);
            if (!admission.handshakeByUser(identity.user())) {
                throw new Refusal(CloseCode.TOO_SLOW, "too many requests for this user: try again later");
            }
            return identity;
        } catch (Refusal refusal) {
            SecurityLog.event(event(refusal.code()), handshake.remoteAddress(), identity == null ? null : identity.user(),
                    "refused " + refusal.code().code() + " " + refusal.reason());
            throw refusal;
        }
    }

    /**
     * Opens a connection that is not a WebSocket (the event stream, section 12) in the same order:
     * identity, the user's handshake rate, then the opener's own checks and its start; a token that
     * expires while it is open closes it with 4001. Every refusal is thrown, before anything was
     * sent, for the caller to answer in HTTP.
     */
    public <C extends Connection> C openStream(Peer peer, Handshake handshake, Opener<C> opener) {
        Identity identity = identify(handshake);
        try {
            C connection = Outbox.call(() -> opener.open(peer, identity, handshake));
            expireAt(connection, identity.expires());
            return connection;
        } catch (Refusal refusal) {
            SecurityLog.event(event(refusal.code()), peer.remoteAddress(), identity.user(),
                    "refused " + refusal.code().code() + " " + refusal.reason());
            throw refusal;
        }
    }

    private void refuse(Peer peer, Identity identity, Refusal refusal, Metrics.Refused reason) {
        metrics.refused(reason);
        SecurityLog.event(event(refusal.code()), peer.remoteAddress(), identity == null ? null : identity.user(),
                "closed " + refusal.code().code() + " " + refusal.reason());
        peer.close(refusal.code(), refusal.reason());
    }

    /**
     * The session closed. A connection that we did not close, with a code a client has no reason to
     * send (1002, 1007, 1009), was closed by the container (Tyrus's UTF-8 and size checks) or by the
     * standalone frame guard: a close the server sent, counted and logged like ours.
     */
    public void onClose(Connection connection, int code) {
        if (connection != null && !connection.isClosed() && (code == 1002 || code == 1007 || code == 1009)) {
            metrics.closed(code);
            ConnectionLog.closed(connection.peer().id(), connection.peer().remoteAddress(), connection.user(), code,
                    "closed by the WebSocket layer");
        }
    }

    private static String event(CloseCode code) {
        return switch (code) {
            case UNAUTHENTICATED, TOKEN_EXPIRED -> "token";
            case FORBIDDEN -> "forbidden";
            case POLICY, TOO_SLOW -> "limit";
            default -> "refused";
        };
    }

    /** A token that expires while its connection is open closes it with 4001 at that moment (section 2). */
    private void expireAt(Connection connection, Instant expires) {
        if (connection == null || expires == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), expires).toMillis());
        connection.expiresWith(scheduler.schedule(() -> {
            if (!connection.isClosed()) {
                SecurityLog.event("token", connection.peer().remoteAddress(), connection.identity().user(),
                        "token expired while open: closed 4001");
                connection.close(CloseCode.TOKEN_EXPIRED, "token expired");
            }
        }, delay, TimeUnit.MILLISECONDS));
    }

    /** The one path from a failure to the wire. {@code connection} is null when the open was refused. */
    public void onError(Session session, Connection connection, Throwable error) {
        Throwable cause = error instanceof DecodeException && error.getCause() != null ? error.getCause() : error;
        if (connection == null || connection.isClosed()) {
            return;
        }
        if (cause instanceof FrameRejected rejected) {
            connection.reject(rejected);
        } else if (cause instanceof Refusal refusal) {
            connection.close(refusal.code(), refusal.reason());
        } else if (!session.isOpen() || cause instanceof IOException) {
            // The transport already failed (reset, 1007, 1009 by the container): it will close.
            connection.closed();
        } else {
            LOG.log(Level.WARNING, "unexpected failure on connection " + session.getId(), cause);
            connection.close(CloseCode.INTERNAL_ERROR, "internal error");
        }
    }

    /** Text-only endpoints close on a binary frame. */
    public void onBinary(Connection connection) {
        if (connection != null) {
            connection.close(CloseCode.BINARY_UNSUPPORTED, "binary frames are not supported");
        }
    }

    private void heartbeat() {
        try {
            connections.heartbeat();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat failed", e);
        }
    }

    /** Closes every connection with 1001 and stops the heartbeat once close frames had time to leave. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connections.closeAll(CloseCode.GOING_AWAY, "server shutting down");
        scheduler.schedule(scheduler::shutdownNow, limits.closeGrace().toMillis() + 100, TimeUnit.MILLISECONDS);
    }
}
