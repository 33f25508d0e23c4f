package io.switchboard.standalone;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * A deadline for every HTTP request on a connection that is not (yet) a WebSocket: its headers, and
 * any body, must arrive within {@code timeout} of the connection opening or of the previous request.
 *
 * <p>Why: WebSockets need Grizzly's keep-alive idle timeout off (our heartbeat decides), and with it
 * off Grizzly has no read deadline at all, so a client that opens a connection and trickles header
 * lines forever (slowloris), or sends nothing, holds the socket for good. Sits after the HTTP codec,
 * which hands a request on only once its headers are complete; a connection Tyrus has upgraded is
 * left to the WebSocket heartbeat.
 */
final class RequestDeadline extends BaseFilter implements AddOn {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class.getName());
    /** Set by Tyrus's Grizzly filter once the connection is a WebSocket. */
    private static final String TYRUS_CONNECTION =
            "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter.Connection";
    private static final Attribute<State> STATE = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestDeadline.class.getName() + ".state");
    /** Set on a connection whose response streams for as long as it lives (an event stream). */
    private static final Attribute<Boolean> STREAMING = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestDeadline.class.getName() + ".streaming");

    /** What a connection has done; written by its reads, read by the timer. */
    private static final class State {
        volatile long lastRequestNanos = System.nanoTime();
        volatile HttpHeader lastHeader;
    }

    private final long timeoutNanos;
    private final ScheduledExecutorService timer;

    RequestDeadline(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-request-deadline");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        STATE.set(connection, new State());
        check(connection, timeoutNanos);
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        State state = STATE.get(ctx.getConnection());
        if (state != null && ctx.getMessage() instanceof HttpContent content && content.getHttpHeader() != state.lastHeader) {
            // A new request's headers are complete: its clock starts now.
            state.lastHeader = content.getHttpHeader();
            state.lastRequestNanos = System.nanoTime();
        }
        return ctx.getInvokeAction();
    }

    private void check(Connection<?> connection, long delayNanos) {
        if (timer.isShutdown()) {
            return;
        }
        timer.schedule(() -> expire(connection), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(Connection<?> connection) {
        if (!connection.isOpen() || connection.getAttributes().getAttribute(TYRUS_CONNECTION) != null
                || Boolean.TRUE.equals(STREAMING.get(connection))) {
            return;
        }
        State state = STATE.get(connection);
        long due = (state == null ? 0 : state.lastRequestNanos) + timeoutNanos;
        long left = due - System.nanoTime();
        if (left > 0) {
            check(connection, left);
            return;
        }
        LOG.fine(() -> "cut " + connection.getPeerAddress() + ": no complete request within the deadline");
        connection.terminateSilently();
    }

    /**
     * Its request was complete and its answer is an event stream, which lasts as long as the
     * connection: no deadline any more. The stream's response closes the connection when it ends.
     */
    static void streaming(Connection<?> connection) {
        STREAMING.set(connection, Boolean.TRUE);
    }

    void stop() {
        timer.shutdownNow();
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int http = builder.indexOfType(HttpServerFilter.class);
        if (http >= 0) {
            builder.add(http, this);
        }
    }
}
