package io.switchboard.standalone;

import io.switchboard.http.ApiResponse;
import io.switchboard.http.Query;
import io.switchboard.identity.Handshake;
import io.switchboard.notify.EventStreams;
import io.switchboard.transport.EventSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.io.NIOOutputStream;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.io.ReadHandler;

/**
 * The event-stream fallback on Grizzly (protocol section 12; the logic is in {@link EventStreams}).
 * No worker thread ever waits: the stream's response is suspended and written only when Grizzly says
 * it can take more ({@link GrizzlySink}); a {@code read}'s body is collected as it arrives and its
 * answer sent when the store has it.
 */
final class EventStreamRoutes {

    private static final Logger LOG = Logger.getLogger(EventStreamRoutes.class.getName());

    private final EventStreams streams;

    EventStreamRoutes(EventStreams streams) {
        this.streams = streams;
    }

    static boolean handles(String path) {
        return path.equals(EventStreams.STREAM_PATH) || path.equals(EventStreams.READ_PATH);
    }

    void service(Request request, Response response) throws IOException {
        if (request.getRequestURI().equals(EventStreams.STREAM_PATH)) {
            if (request.getMethod() != Method.GET) {
                response.sendError(405);
                return;
            }
            ApiResponse refused = streams.open(handshake(request), new GrizzlySink(request, response));
            if (refused != null) {
                write(refused, response);
            }
        } else {
            if (request.getMethod() != Method.POST) {
                response.sendError(405);
                return;
            }
            Handshake handshake = handshake(request);
            collect(request, response, body -> answer(streams.read(handshake, body), response));
        }
    }

    /** Writes the answer now if the store had it at once, else suspends and writes it when it comes. */
    private static void answer(CompletableFuture<ApiResponse> answer, Response response) {
        if (answer.isDone() && !response.isSuspended()) {
            write(answer.join(), response);
            return;
        }
        if (!response.isSuspended()) {
            response.suspend();
        }
        answer.whenComplete((done, error) -> {
            try {
                write(error == null ? done : ApiResponse.of(500, ""), response);
            } finally {
                response.resume();
            }
        });
    }

    /**
     * Collects a body of at most {@link EventStreams#MAX_READ_BODY_BYTES} + 1 bytes without waiting
     * for it: what has arrived is read at once, the rest as Grizzly says it is there. A declared
     * length is read exactly (Grizzly takes an {@code Upgrade} header as a protocol switch after which
     * a body never ends); a larger one is not read at all.
     */
    private static void collect(Request request, Response response, Consumer<byte[]> done) throws IOException {
        int limit = EventStreams.MAX_READ_BODY_BYTES + 1;
        long declared = request.getContentLengthLong();
        if (declared >= limit) {
            done.accept(new byte[limit]);
            return;
        }
        if (declared < 0 && request.getHeader("Upgrade") != null) {
            response.sendError(411);
            return;
        }
        int wanted = declared >= 0 ? (int) declared : limit;
        BodyReader reader = new BodyReader(request.getNIOInputStream(), wanted, response, done);
        if (reader.readReady()) {
            reader.finish();
            return;
        }
        response.suspend();
        request.getNIOInputStream().notifyAvailable(reader);
    }

    private static final class BodyReader implements ReadHandler {
        private final NIOInputStream in;
        private final int wanted;
        private final Response response;
        private final Consumer<byte[]> done;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final AtomicBoolean finished = new AtomicBoolean();

        BodyReader(NIOInputStream in, int wanted, Response response, Consumer<byte[]> done) {
            this.in = in;
            this.wanted = wanted;
            this.response = response;
            this.done = done;
        }

        /** Reads only what is there; true once the body is complete. */
        boolean readReady() throws IOException {
            byte[] chunk = new byte[512];
            int ready;
            while (body.size() < wanted && (ready = in.readyData()) > 0) {
                int read = in.read(chunk, 0, Math.min(Math.min(ready, chunk.length), wanted - body.size()));
                if (read < 0) {
                    return true;
                }
                body.write(chunk, 0, read);
            }
            return body.size() >= wanted || in.isFinished();
        }

        void finish() {
            if (finished.compareAndSet(false, true)) {
                done.accept(body.toByteArray());
            }
        }

        @Override
        public void onDataAvailable() throws IOException {
            if (readReady()) {
                finish();
            } else {
                in.notifyAvailable(this);
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            readReady();
            finish();
        }

        @Override
        public void onError(Throwable error) {
            // The connection ended or was cut (request deadline): nobody is left to answer.
            LOG.log(Level.FINE, "read body not received", error);
            if (finished.compareAndSet(false, true) && response.isSuspended()) {
                try {
                    response.resume();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINEST, "response already gone", e);
                }
            }
        }
    }

    private static void write(ApiResponse answer, Response response) {
        try {
            response.setStatus(answer.status());
            if (!answer.json().isEmpty()) {
                byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "answer not written", e);
        }
    }

    /** The request as a handshake. Parameters come from the query alone: a form body is never read here. */
    static Handshake handshake(Request request) {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : request.getHeaderNames()) {
            List<String> values = new ArrayList<>();
            request.getHeaders(name).forEach(values::add);
            headers.put(name, values);
        }
        return new Handshake(Query.parse(request.getQueryString()), headers, request.getRemoteAddr());
    }

    /**
     * A suspended Grizzly response as an {@link EventSink}. Every call on the response holds the
     * response's own suspend monitor, which Grizzly also holds while it cancels a suspended response
     * whose connection closed: so no write can overlap that, and none follows it (the response is
     * recycled after).
     */
    private static final class GrizzlySink implements EventSink {
        /** What Grizzly may hold for a stream beyond the stream's own queue before it says "not now". */
        private static final int GRIZZLY_QUEUE_BYTES = 64 * 1024;

        private final Response response;
        private final org.glassfish.grizzly.Connection<?> connection;
        /** The response's suspend context: Grizzly's {@code markCancelled} and {@code markResumed} synchronize on it. */
        private final Object lock;
        private volatile Listener listener;
        /** Guarded by {@link #lock}. */
        private NIOOutputStream out;
        private boolean done;
        /** A {@code notifyCanWrite} is pending: Grizzly takes one at a time, so a second would throw. */
        private boolean waiting;

        private final WriteHandler whenWritable = new WriteHandler() {
            @Override
            public void onWritePossible() {
                synchronized (lock) {
                    waiting = false;
                }
                listener.writable();
            }

            @Override
            public void onError(Throwable t) {
                synchronized (lock) {
                    waiting = false;
                }
                gone();
            }
        };

        GrizzlySink(Request request, Response response) {
            this.response = response;
            this.connection = request.getContext().getConnection();
            this.lock = response.getSuspendContext();
        }

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void start() {
            synchronized (lock) {
                response.setStatus(200);
                response.setContentType("text/event-stream");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-cache");
                response.setHeader("X-Accel-Buffering", "no");
                // When the stream ends, so does its connection: the browser opens a new one to reconnect.
                response.setHeader("Connection", "close");
                RequestDeadline.streaming(connection);
                // Grizzly's own queue would take megabytes (four socket buffers) before it says it
                // cannot write; ours is the bound that counts (section 12: 1013 past it).
                connection.setMaxAsyncWriteQueueSize(GRIZZLY_QUEUE_BYTES);
                response.suspend(0, TimeUnit.MILLISECONDS, new CompletionHandler<>() {
                    @Override
                    public void cancelled() {
                        gone();
                    }

                    @Override
                    public void failed(Throwable throwable) {
                        gone();
                    }

                    @Override
                    public void completed(Response result) {
                    }

                    @Override
                    public void updated(Response result) {
                    }
                });
                out = response.getNIOOutputStream();
            }
            // Grizzly stops reading a connection while its request is suspended, so a client that
            // leaves would be noticed only by a failed write (up to two keep-alive comments later).
            // Reading again notices its close at once: the suspended response is then cancelled.
            try {
                connection.enableIOEvent(IOEvent.READ);
            } catch (IOException e) {
                LOG.log(Level.FINE, "event stream: reading the connection again failed", e);
            }
        }

        @Override
        public boolean ready() {
            synchronized (lock) {
                if (done || out.canWrite()) {
                    return true; // a stream that is done fails in write(), which tells the peer
                }
                if (!waiting) {
                    waiting = true;
                    out.notifyCanWrite(whenWritable);
                }
                return false;
            }
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            synchronized (lock) {
                if (done) {
                    throw new IOException("the event stream has ended");
                }
                out.write(bytes);
                out.flush();
            }
        }

        @Override
        public void end() {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                if (out.canWrite()) {
                    // The last chunk goes without blocking: canWrite() just said Grizzly can take it.
                    response.resume();
                    return;
                }
            }
            connection.closeSilently();
        }

        @Override
        public void abort() {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
            }
            connection.closeSilently();
        }

        /** The connection closed, or a write failed: Grizzly cancels the response. */
        private void gone() {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
            }
            Listener current = listener;
            if (current != null) {
                current.gone();
            }
        }
    }
}
