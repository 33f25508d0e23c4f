package io.switchboard.standalone;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Logger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The WebSocket frame layer of the standalone server, in front of Tyrus, reading frame headers on
 * their way without copying or changing a byte.
 *
 * <p>Client frames: checks what Tyrus 2.1 does not (RFC 6455 5.2):
 * <ul>
 *   <li>a client frame must be masked (5.1): else close 1002;</li>
 *   <li>the payload length must use the minimal encoding, and a 64-bit length must have its top bit
 *       clear: else close 1002 (Tyrus accepts the first and fails the second with 1011);</li>
 *   <li>a frame that declares more than {@code maxMessageBytes} closes with 1009 at once, where Tyrus
 *       would buffer up to its 1 MiB incoming buffer first and then close 1011.</li>
 * </ul>
 * The close goes through Tyrus's own connection, so the endpoint's {@code @OnClose} runs as for any
 * other close. Every later byte of a failed connection is dropped. Frames a client sends in the same
 * read as its handshake are checked too: the bytes after the upgrade request's headers are frames,
 * so the handshake goes on to Tyrus alone and they come back through this filter once the WebSocket
 * is open (Tyrus would otherwise drop them).
 *
 * <p>Server frames: when the server's close frame passes, the connection is held open and, once the
 * frame is written, closed the way RFC 6455 7.1.1 asks ({@link LingeringClose}); until then every
 * byte from the client is dropped here.
 */
final class FrameGuard extends BaseFilter implements AddOn {

    private static final Logger LOG = Logger.getLogger(FrameGuard.class.getName());
    /** Set by Tyrus's Grizzly filter once the connection is a WebSocket. */
    private static final String TYRUS_CONNECTION =
            "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter.Connection";
    private static final Attribute<State> STATE = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(FrameGuard.class.getName() + ".state");
    /** The close grace's default ({@code switchboard.closeGraceMs}). */
    static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);
    private static final int CLOSE_OPCODE = 0x8;
    private static final String WEBSOCKET = "websocket";

    /**
     * Where the parsers are in the client's and the server's byte streams. The client's side is touched
     * only by the connection's reads, which Grizzly serialises; the server's side only by its writes,
     * which Tyrus serialises; {@code closing} by both.
     */
    private static final class State {
        final Frames in = new Frames();
        final Frames out = new Frames();
        boolean failed;
        /** The handshake arrived with frames behind it: they come back through this filter. */
        boolean pipelined;
        /** The server sent its close frame: the client's bytes are dropped while the connection lingers. */
        volatile boolean closing;
    }

    /** A frame-header parser for one direction of one connection. */
    private static final class Frames {
        final byte[] header = new byte[14];
        int headerBytes;
        long payloadLeft;
    }

    private final long maxFrameBytes;
    private final long closeGraceNanos;

    FrameGuard(long maxMessageBytes) {
        this(maxMessageBytes, DEFAULT_CLOSE_GRACE);
    }

    /** {@code closeGrace}: how long a closed WebSocket's socket stays open for the client to close its side. */
    FrameGuard(long maxMessageBytes, Duration closeGrace) {
        this.maxFrameBytes = maxMessageBytes;
        this.closeGraceNanos = closeGrace.toNanos();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        if (!(ctx.getMessage() instanceof HttpContent content)) {
            return ctx.getInvokeAction();
        }
        Object tyrus = connection.getAttributes().getAttribute(TYRUS_CONNECTION);
        State state = STATE.get(connection);
        if (tyrus == null) {
            if (state != null && state.pipelined) {
                // Frames behind a handshake that opened no WebSocket (refused, 403, 404): they have nowhere to go.
                return drop(ctx, content);
            }
            if (content.getContent().hasRemaining() && WEBSOCKET.equalsIgnoreCase(content.getHttpHeader().getUpgrade())) {
                // Frames behind the handshake in one read: Tyrus gets the handshake alone, then this
                // filter gets the frames again, by then on an open WebSocket.
                State fresh = new State();
                fresh.pipelined = true;
                STATE.set(connection, fresh);
                HttpContent frames = HttpContent.builder(content.getHttpHeader()).content(content.getContent()).build();
                ctx.setMessage(HttpContent.builder(content.getHttpHeader()).content(Buffers.EMPTY_BUFFER).build());
                return ctx.getInvokeAction(frames);
            }
            return ctx.getInvokeAction();
        }
        if (state == null) {
            state = new State();
            STATE.set(connection, state);
        }
        if (state.failed || state.closing) {
            return drop(ctx, content);
        }
        String violation = scan(state.in, content.getContent());
        if (violation == null) {
            return ctx.getInvokeAction();
        }
        state.failed = true;
        drop(ctx, content);
        int code = violation.startsWith("frame over") ? CloseReason.CloseCodes.TOO_BIG.getCode()
                : CloseReason.CloseCodes.PROTOCOL_ERROR.getCode();
        LOG.fine(() -> "closing " + connection.getPeerAddress() + " with " + code + ": " + violation);
        ((org.glassfish.tyrus.spi.Connection) tyrus).close(
                new CloseReason(CloseReason.CloseCodes.getCloseCode(code), violation));
        if (!LingeringClose.available()) {
            // Tyrus closes the socket after its close frame; with lingering, it is held open until the client closes.
            connection.closeSilently();
        }
        return ctx.getStopAction();
    }

    private static NextAction drop(FilterChainContext ctx, HttpContent content) {
        Buffer bytes = content.getContent();
        bytes.position(bytes.limit());
        return ctx.getStopAction();
    }

    /**
     * Raw buffers on their way out after the upgrade are the server's frames (HTTP responses pass here
     * as packets, not yet encoded). The first close frame among them holds the connection open.
     */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof Buffer buffer) || message instanceof HttpPacket) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        State state = STATE.get(connection);
        if (state == null) {
            state = new State();
            STATE.set(connection, state);
        }
        if (state.closing || !containsCloseFrame(state.out, buffer)) {
            return ctx.getInvokeAction();
        }
        if (!LingeringClose.holdOpen(connection)) {
            return ctx.getInvokeAction(); // Grizzly closes as it always did
        }
        state.closing = true;
        FilterChainContext.TransportContext transport = ctx.getTransportContext();
        @SuppressWarnings("unchecked")
        CompletionHandler<Object> written = transport.getCompletionHandler();
        long grace = closeGraceNanos;
        transport.setCompletionHandler(new CompletionHandler<Object>() {
            @Override
            public void completed(Object result) {
                if (written != null) {
                    written.completed(result);
                }
                LingeringClose.linger(connection, grace);
            }

            @Override
            public void failed(Throwable throwable) {
                if (written != null) {
                    written.failed(throwable);
                }
                connection.terminateSilently();
            }

            @Override
            public void cancelled() {
                if (written != null) {
                    written.cancelled();
                }
                connection.terminateSilently();
            }

            @Override
            public void updated(Object result) {
                if (written != null) {
                    written.updated(result);
                }
            }
        });
        return ctx.getInvokeAction();
    }

    /** Walks the server's frame headers in {@code buffer}; true when one of them is a close frame. */
    private static boolean containsCloseFrame(Frames out, Buffer buffer) {
        boolean close = false;
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end) {
            if (out.payloadLeft > 0) {
                long skip = Math.min(out.payloadLeft, end - i);
                out.payloadLeft -= skip;
                i += (int) skip;
                continue;
            }
            out.header[out.headerBytes++] = buffer.get(i++);
            if (out.headerBytes < headerLength(out)) {
                continue;
            }
            close |= (out.header[0] & 0x0F) == CLOSE_OPCODE;
            out.payloadLeft = payloadLength(out.header);
            out.headerBytes = 0;
        }
        return close;
    }

    /** Walks the client's frame headers in {@code buffer}; returns what is wrong, or null. */
    private String scan(Frames in, Buffer buffer) {
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end) {
            if (in.payloadLeft > 0) {
                long skip = Math.min(in.payloadLeft, end - i);
                in.payloadLeft -= skip;
                i += (int) skip;
                continue;
            }
            in.header[in.headerBytes++] = buffer.get(i++);
            if (in.headerBytes < headerLength(in)) {
                continue;
            }
            String violation = check(in);
            if (violation != null) {
                return violation;
            }
            in.headerBytes = 0;
        }
        return null;
    }

    /** How many header bytes this frame has, as far as the bytes read so far tell. */
    private static int headerLength(Frames frames) {
        if (frames.headerBytes < 2) {
            return 2;
        }
        int lengthCode = frames.header[1] & 0x7F;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        int mask = (frames.header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    /** The payload length a complete header declares (64-bit lengths as written; the server never sends one that large). */
    private static long payloadLength(byte[] h) {
        int lengthCode = h[1] & 0x7F;
        if (lengthCode == 126) {
            return ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
        }
        if (lengthCode == 127) {
            long length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (h[k] & 0xFFL);
            }
            return length;
        }
        return lengthCode;
    }

    private String check(Frames in) {
        byte[] h = in.header;
        if ((h[1] & 0x80) == 0) {
            return "unmasked client frame";
        }
        int lengthCode = h[1] & 0x7F;
        if (lengthCode == 127 && (h[2] & 0x80) != 0) {
            return "64-bit length with its top bit set";
        }
        long length = payloadLength(h);
        if (lengthCode == 126 && length < 126 || lengthCode == 127 && length <= 0xFFFF) {
            return "length not minimally encoded";
        }
        if (length > maxFrameBytes) {
            return "frame over " + maxFrameBytes + " bytes";
        }
        in.payloadLeft = length;
        return null;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int http = builder.indexOfType(HttpServerFilter.class);
        if (http >= 0) {
            builder.add(http, this);
        }
    }
}
