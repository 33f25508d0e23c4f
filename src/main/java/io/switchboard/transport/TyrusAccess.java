package io.switchboard.transport;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every reach into Tyrus internals, in one place, by reflection so the WAR needs no Tyrus class:
 * what the standard API cannot do (a handshake status, the client's address, cutting a connection).
 * Each path names the Tyrus 2.1 member it relies on; {@code TyrusAccessStandaloneTest} fails when an
 * upgrade breaks one. Where a member is missing (another container) each call degrades as documented.
 */
public final class TyrusAccess {

    private static final Logger LOG = Logger.getLogger(TyrusAccess.class.getName());

    /** {@code TyrusRemoteEndpoint.webSocket} → {@code TyrusWebSocket.protocolHandler} → {@code ProtocolHandler.writer}. */
    static final List<String> WRITER_PATH = List.of("webSocket", "protocolHandler", "writer");
    /** Grizzly's writer ({@code org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter}) holds its {@code connection}. */
    static final String GRIZZLY_CONNECTION = "connection";
    /** The field in which the standalone server's writer wrapper holds the writer it wraps. */
    static final String WRAPPED_WRITER = "delegate";

    /**
     * {@code sendRawFrame} of each WebSocket class, looked up once: a handshake should not pay for
     * reflection (it was 7 % of a handshake profile). Null where the class has no such method.
     */
    private static final ClassValue<MethodHandle> SEND_RAW_FRAME = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, "sendRawFrame",
                        MethodType.methodType(Future.class, ByteBuffer.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, type.getName() + " has no sendRawFrame", e);
                return null;
            }
        }
    };

    /** The fields read below, by class and name, looked up and made accessible once. */
    private static final ClassValue<java.util.Map<String, Optional<Field>>> FIELDS = new ClassValue<>() {
        @Override
        protected java.util.Map<String, Optional<Field>> computeValue(Class<?> type) {
            return new java.util.concurrent.ConcurrentHashMap<>();
        }
    };

    /** How the standalone server wraps each WebSocket's writer; none in a container. */
    private static volatile WriterWrapping writerWrapping;

    private TyrusAccess() {
    }

    /**
     * Wraps a connection's Tyrus writer ({@code ProtocolHandler.setWriter}) so that {@code beforeWrite}
     * runs before each write; true when it did. Set by the standalone server, whose class may name Tyrus.
     */
    @FunctionalInterface
    public interface WriterWrapping {
        boolean wrap(Object protocolHandler, Object writer, Runnable beforeWrite);
    }

    /** Called once by the standalone server before it opens its port. */
    public static void wrapWritersWith(WriterWrapping wrapping) {
        writerWrapping = wrapping;
    }

    /**
     * Runs {@code beforeWrite} before every write to {@code session}'s connection, where the server
     * set a {@link WriterWrapping} (standalone); false where it did not or Tyrus changed.
     */
    static boolean beforeEachWrite(Session session, Runnable beforeWrite) {
        WriterWrapping wrapping = writerWrapping;
        if (wrapping == null) {
            return false;
        }
        try {
            Object handler = walk(session, WRITER_PATH.size() - 1);
            Object writer = handler == null ? null : field(handler, WRITER_PATH.get(WRITER_PATH.size() - 1));
            return writer != null && wrapping.wrap(handler, writer, beforeWrite);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot wrap the writer of " + session.getId(), e);
            return false;
        }
    }

    /**
     * The client's IP address from Tyrus's request ({@code RequestContext.getRemoteAddr()}); the
     * standard API does not tell it. Null where the container does not.
     */
    public static String remoteAddress(HandshakeRequest request) {
        Optional<Method> getRemoteAddr = REMOTE_ADDR.get(request.getClass());
        if (getRemoteAddr.isEmpty()) {
            return null;
        }
        try {
            Object address = getRemoteAddr.get().invoke(request);
            return address instanceof String text ? text : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "container does not tell the remote address", e);
            return null;
        }
    }

    /** {@code getRemoteAddr()} of each request class, looked up once. */
    private static final ClassValue<Optional<Method>> REMOTE_ADDR = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
            try {
                return Optional.of(type.getMethod("getRemoteAddr"));
            } catch (NoSuchMethodException | RuntimeException e) {
                return Optional.empty();
            }
        }
    };

    /**
     * Fails a handshake with an HTTP status ({@code TyrusUpgradeResponse.setStatus}); the standard API
     * cannot, and then opens no WebSocket. False where the container has no such method.
     */
    public static boolean refuse(HandshakeResponse response, int status, String reason) {
        try {
            response.getClass().getMethod("setStatus", int.class).invoke(response, status);
            // The handshake already filled in a 101's reason and Upgrade headers; without a length, an
            // HTTP client waits for a body that never comes. Answer a plain, empty refusal instead.
            response.getClass().getMethod("setReasonPhrase", String.class).invoke(response, reason);
            response.getHeaders().clear();
            response.getHeaders().put("Content-Length", List.of("0"));
            response.getHeaders().put("Connection", List.of("close"));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "container cannot refuse a handshake with a status", e);
            return false;
        }
    }

    /**
     * Drops the TCP connection under {@code session} at once, without a close handshake: for a client
     * that stopped reading, whose close frame would wait behind unread data for ever. Standalone
     * (Grizzly) only; true when it did. In a container the socket is the container's to close.
     */
    public static boolean hardClose(Session session) {
        Object connection = grizzlyConnection(session);
        if (connection == null) {
            return false;
        }
        try {
            connection.getClass().getMethod("terminateSilently").invoke(connection);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot cut the connection of " + session.getId(), e);
            return false;
        }
    }

    /**
     * Sends pre-framed bytes straight to the session's connection ({@code TyrusWebSocket.sendRawFrame},
     * what Tyrus's own broadcast uses), completing the returned future when written. Null when the
     * session negotiated an extension (its frames must be built for it) or when this Tyrus lacks the
     * method or a completable future (before 2.1.4): then the caller sends text.
     */
    public static RawSender rawSender(Session session) {
        try {
            if (!session.getNegotiatedExtensions().isEmpty()) {
                return null;
            }
            Object webSocket = field(session.getAsyncRemote(), WRITER_PATH.get(0));
            if (webSocket == null) {
                return null;
            }
            MethodHandle send = SEND_RAW_FRAME.get(webSocket.getClass());
            if (send == null) {
                return null;
            }
            MethodHandle bound = send.bindTo(webSocket);
            return frame -> {
                try {
                    Object sent = bound.invoke(frame);
                    if (sent instanceof CompletableFuture<?> future) {
                        return future;
                    }
                    return CompletableFuture.failedFuture(new IllegalStateException("no completion for a raw frame"));
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "raw frames unavailable for " + session.getId() + ": sending text", e);
            return null;
        }
    }

    /** Writes one pre-framed WebSocket frame. */
    @FunctionalInterface
    public interface RawSender {
        CompletableFuture<?> send(ByteBuffer frame);
    }

    /** The Grizzly connection under a standalone session, or null (a container's session, or Tyrus changed). */
    static Object grizzlyConnection(Session session) {
        Object writer = writer(session);
        // A wrapped writer (see WriterWrapping) holds Grizzly's as its delegate.
        Object wrapped = writer == null ? null : field(writer, WRAPPED_WRITER);
        Object grizzly = wrapped != null ? wrapped : writer;
        return grizzly == null ? null : field(grizzly, GRIZZLY_CONNECTION);
    }

    /** Tyrus's {@code Writer} of the session's connection, or null. */
    static Object writer(Session session) {
        return walk(session, WRITER_PATH.size());
    }

    /** The object {@code steps} fields along {@link #WRITER_PATH} from the session's remote, or null. */
    private static Object walk(Session session, int steps) {
        Object current;
        try {
            current = session.getAsyncRemote();
        } catch (RuntimeException e) {
            return null;
        }
        for (int i = 0; i < steps && current != null; i++) {
            current = field(current, WRITER_PATH.get(i));
        }
        return current;
    }

    private static Object field(Object target, String name) {
        Optional<Field> field = FIELDS.get(target.getClass()).computeIfAbsent(name, n -> declared(target.getClass(), n));
        if (field.isEmpty()) {
            return null;
        }
        try {
            return field.get().get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot read " + name + " of " + target.getClass().getName(), e);
            return null;
        }
    }

    /** The field {@code name} declared by {@code type} or a superclass, made accessible; empty if none. */
    private static Optional<Field> declared(Class<?> start, String name) {
        for (Class<?> type = start; type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return Optional.of(field);
            } catch (NoSuchFieldException e) {
                // Declared higher up, perhaps.
            } catch (RuntimeException e) { // not accessible: as good as missing
                LOG.log(Level.FINE, "cannot open " + name + " of " + type.getName(), e);
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
