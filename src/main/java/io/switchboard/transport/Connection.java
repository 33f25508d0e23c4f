package io.switchboard.transport;

import io.switchboard.Limits;
import io.switchboard.identity.Identity;
import io.switchboard.ops.EndpointMeters;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every connection does whatever its endpoint: the rate limit that every frame counts
 * against, the error and close paths, and liveness. Subclasses hold the channel logic.
 */
public abstract class Connection implements ClientMessage.Handler, Member {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    protected final Peer peer;
    protected final Identity identity;
    protected final ServerCodec codec;
    private final RateLimiter rate;
    private final FloodGuard flood;
    private final Connections registry;
    /** This kind of connection's counters, resolved once: counting a frame is one increment. */
    private final EndpointMeters meters;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** System.nanoTime() of the last frame or pong from the client; written by its thread, read by the heartbeat. */
    private volatile long lastHeard = System.nanoTime();
    private volatile long lastPing = System.nanoTime();
    /** The token-expiry close, cancelled when the connection ends first; set once by the transport. */
    private volatile Future<?> expiry;

    protected Connection(Peer peer, Identity identity, ServerCodec codec, Limits limits, Connections registry) {
        this.peer = peer;
        this.identity = identity;
        this.codec = codec;
        this.rate = new RateLimiter(limits.framesPerSecond(), limits.frameBurst());
        this.flood = new FloodGuard(limits.floodStrikes(), limits.floodWindow());
        this.registry = registry;
        this.meters = peer instanceof SessionPeer session ? session.meters() : EndpointMeters.none();
        peer.onFailure(this::close);
    }

    public final Identity identity() {
        return identity;
    }

    @Override
    public final Peer peer() {
        return peer;
    }

    @Override
    public final String user() {
        return identity.user();
    }

    /**
     * A decoded frame from the client. What the handler offers leaves when it returns; a failure the
     * contract does not name ends this connection with 1011 and nothing else.
     */
    public final void receive(ClientMessage message) {
        heard();
        meters.received();
        Outbox.run(() -> {
            if (!admit(message.ref())) {
                return;
            }
            try {
                message.dispatch(this);
            } catch (FrameRejected e) {
                send(e.toFrame());
            } catch (Refusal e) {
                close(e.code(), e.reason());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "unexpected failure on connection " + peer.id(), e);
                close(CloseCode.INTERNAL_ERROR, "internal error");
            }
        });
    }

    /** A frame that did not decode; it counts against the rate limit like any other. */
    public final void reject(FrameRejected rejected) {
        heard();
        meters.received();
        Outbox.run(() -> {
            if (admit(rejected.ref())) {
                send(rejected.toFrame());
            }
        });
    }

    /** Any sign of life: a frame or a pong. */
    public final void heard() {
        lastHeard = System.nanoTime();
    }

    /** Both endpoints answer {@code ping} alike. */
    @Override
    public final void ping(ClientMessage.Ping ping) {
        send(new ServerMessage.Pong(ping.ref()));
    }

    /** Leaves every channel this connection is in. Runs once, outside any channel's lock. */
    protected abstract void release();

    /** Queues a frame for this connection alone; it leaves when the current handler returns. */
    public final void send(ServerMessage message) {
        peer.offer(Frame.of(codec.encode(message)));
    }

    /** The server ends the connection. Idempotent, and safe from any thread holding no channel lock. */
    @Override
    public final void close(CloseCode code, String reason) {
        if (end()) {
            if (code != CloseCode.GOING_AWAY) { // a shutdown logs one line for all
                ConnectionLog.closed(peer.id(), peer.remoteAddress(), identity.user(), code.code(), reason);
            }
            peer.close(code, reason);
        }
    }

    /** The transport says the connection ended. */
    public final void closed() {
        end();
    }

    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    final EndpointMeters meters() {
        return meters;
    }

    private boolean end() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        try {
            release();
            // The rooms hear the leave before this connection stops being counted: in a read's scope
            // (standalone) it would otherwise wait for the whole read to be handled.
            Outbox.flushNow();
        } finally {
            registry.remove(this);
            Future<?> timer = expiry;
            if (timer != null) {
                timer.cancel(false);
            }
        }
        return true;
    }

    /** Hands over the expiry close; cancels it at once if the connection already ended. */
    final void expiresWith(Future<?> timer) {
        expiry = timer;
        if (isClosed()) {
            timer.cancel(false);
        }
    }

    private boolean admit(String ref) {
        if (rate.tryAcquire()) {
            return true;
        }
        meters.rateLimited();
        send(ServerMessage.Error.of(ErrorCode.RATE_LIMITED, "slow down: over the rate limit", ref));
        if (flood.strike() && !isClosed()) {
            SecurityLog.event("flood", peer.remoteAddress(), identity.user(), "kept flooding after rate_limited: closed 1008");
            close(CloseCode.POLICY, "kept flooding after rate_limited");
        }
        return false;
    }

    /** Pings when due; closes a connection the client has been silent on for the idle limit (section 5). */
    final void heartbeat(long now, long pingIntervalNanos, long idleNanos) {
        if (now - lastHeard > idleNanos) {
            close(CloseCode.RECONNECT, "idle timeout: nothing heard, not even a pong");
        } else if (now - lastPing >= pingIntervalNanos) {
            lastPing = now;
            Outbox.run(peer::ping);
        }
    }
}
