package io.switchboard.standalone;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.logging.Logger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Checks what Tyrus 2.1 does not in the frame headers a client sends (RFC 6455 5.2), reading them
 * as they pass on their way to Tyrus, without copying or changing a byte:
 * <ul>
 *   <li>a client frame must be masked (5.1): else close 1002;</li>
 *   <li>the payload length must use the minimal encoding, and a 64-bit length must have its top bit
 *       clear: else close 1002 (Tyrus accepts the first and fails the second with 1011);</li>
 *   <li>a frame that declares more than {@code maxMessageBytes} closes with 1009 at once, where Tyrus
 *       would buffer up to its 1 MiB incoming buffer first and then close 1011.</li>
 * </ul>
 * The close goes through Tyrus's own connection, so the endpoint's {@code @OnClose} runs as for any
 * other close. Every later byte of a failed connection is dropped.
 *
 * <p>Limit: a client that pipelines frames behind its handshake in the same read is not checked
 * (we could not tell where its frames start); Tyrus's own checks still apply to it.
 */
final class FrameGuard extends BaseFilter implements AddOn {

    private static final Logger LOG = Logger.getLogger(FrameGuard.class.getName());
    /** Set by Tyrus's Grizzly filter once the connection is a WebSocket. */
    private static final String TYRUS_CONNECTION =
            "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter.Connection";
    private static final Attribute<State> STATE = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(FrameGuard.class.getName() + ".state");

    /** Where the parser is in the client's byte stream; touched only by the connection's reads, which Grizzly serialises. */
    private static final class State {
        final byte[] header = new byte[14];
        int headerBytes;
        long payloadLeft;
        boolean failed;
        boolean unchecked;
    }

    private final long maxFrameBytes;

    FrameGuard(long maxMessageBytes) {
        this.maxFrameBytes = maxMessageBytes;
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
            if (content.getContent().hasRemaining() && content.getHttpHeader().isUpgrade()) {
                // Frame bytes behind the handshake in one read: we cannot know where frames start.
                STATE.set(connection, unchecked());
            }
            return ctx.getInvokeAction();
        }
        if (state == null) {
            state = new State();
            STATE.set(connection, state);
        }
        if (state.unchecked) {
            return ctx.getInvokeAction();
        }
        if (state.failed) {
            content.getContent().position(content.getContent().limit());
            return ctx.getStopAction();
        }
        String violation = scan(state, content.getContent());
        if (violation == null) {
            return ctx.getInvokeAction();
        }
        state.failed = true;
        content.getContent().position(content.getContent().limit());
        int code = violation.startsWith("frame over") ? CloseReason.CloseCodes.TOO_BIG.getCode()
                : CloseReason.CloseCodes.PROTOCOL_ERROR.getCode();
        LOG.fine(() -> "closing " + connection.getPeerAddress() + " with " + code + ": " + violation);
        ((org.glassfish.tyrus.spi.Connection) tyrus).close(
                new CloseReason(CloseReason.CloseCodes.getCloseCode(code), violation));
        connection.closeSilently();
        return ctx.getStopAction();
    }

    private static State unchecked() {
        State state = new State();
        state.unchecked = true;
        return state;
    }

    /** Walks the frame headers in {@code buffer}; returns what is wrong, or null. */
    private String scan(State state, Buffer buffer) {
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end) {
            if (state.payloadLeft > 0) {
                long skip = Math.min(state.payloadLeft, end - i);
                state.payloadLeft -= skip;
                i += (int) skip;
                continue;
            }
            state.header[state.headerBytes++] = buffer.get(i++);
            int needed = headerLength(state);
            if (state.headerBytes < needed) {
                continue;
            }
            String violation = check(state);
            if (violation != null) {
                return violation;
            }
            state.headerBytes = 0;
        }
        return null;
    }

    /** How many header bytes this frame has, as far as the bytes read so far tell. */
    private static int headerLength(State state) {
        if (state.headerBytes < 2) {
            return 2;
        }
        int lengthCode = state.header[1] & 0x7F;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        int mask = (state.header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    private String check(State state) {
        byte[] h = state.header;
        if ((h[1] & 0x80) == 0) {
            return "unmasked client frame";
        }
        int lengthCode = h[1] & 0x7F;
        long length;
        if (lengthCode == 126) {
            length = ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
            if (length < 126) {
                return "length not minimally encoded";
            }
        } else if (lengthCode == 127) {
            if ((h[2] & 0x80) != 0) {
                return "64-bit length with its top bit set";
            }
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (h[k] & 0xFFL);
            }
            if (length <= 0xFFFF) {
                return "length not minimally encoded";
            }
        } else {
            length = lengthCode;
        }
        if (length > maxFrameBytes) {
            return "frame over " + maxFrameBytes + " bytes";
        }
        state.payloadLeft = length;
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
