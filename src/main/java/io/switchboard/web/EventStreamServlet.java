package io.switchboard.web;

import io.switchboard.http.ApiResponse;
import io.switchboard.http.Query;
import io.switchboard.identity.Handshake;
import io.switchboard.notify.EventStreams;
import io.switchboard.transport.EventSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event-stream fallback in a container (protocol section 12; the logic is in {@link
 * EventStreams}): {@code GET …/stream} as an asynchronous response written only when the container
 * says it can take more ({@link ServletSink}), and {@code POST …/read}.
 */
@WebServlet(urlPatterns = {EventStreams.STREAM_PATH, EventStreams.READ_PATH}, asyncSupported = true)
public final class EventStreamServlet extends ApiServlet {

    private static final Logger LOG = Logger.getLogger(EventStreamServlet.class.getName());
    /** How long a {@code read} waits for the store before the container answers for it. */
    private static final long READ_TIMEOUT_MILLIS = 30_000;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getServletPath().equals(EventStreams.STREAM_PATH)) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        ApiResponse refused = switchboard().eventStreams().open(handshake(request), new ServletSink(request, response));
        if (refused != null) {
            write(refused, response);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getServletPath().equals(EventStreams.READ_PATH)) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        // At most a kilobyte and a byte: a {"seq": N} needs a few.
        byte[] body = request.getInputStream().readNBytes(EventStreams.MAX_READ_BODY_BYTES + 1);
        CompletableFuture<ApiResponse> answer = switchboard().eventStreams().read(handshake(request), body);
        if (answer.isDone()) {
            write(answer.join(), response);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(READ_TIMEOUT_MILLIS);
        answer.whenComplete((done, error) -> {
            try {
                write(error == null ? done : ApiResponse.of(500, ""), (HttpServletResponse) async.getResponse());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "read answer not written", e);
            } finally {
                async.complete();
            }
        });
    }

    /** The request as a handshake; parameters from the query alone, so no form body is read for them. */
    private static Handshake handshake(HttpServletRequest request) {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(request.getHeaders(name))));
        }
        return new Handshake(Query.parse(request.getQueryString()), headers, request.getRemoteAddr());
    }

    /**
     * An asynchronous servlet response as an {@link EventSink}: non-blocking output with a {@link
     * WriteListener}. Our calls on the response hold this sink's lock, and the container's "it has
     * ended" callbacks take it too, so nothing is written to a response the container has finished.
     */
    private static final class ServletSink implements EventSink, WriteListener, AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private volatile Listener listener;
        /** Guarded by {@code this}, like the fields below. */
        private AsyncContext async;
        private ServletOutputStream out;
        private boolean done;
        /** Bytes were written while the container could not take more: flush them once it can. */
        private boolean flushDue;

        ServletSink(HttpServletRequest request, HttpServletResponse response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized void start() {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            async = request.startAsync();
            async.setTimeout(0); // a stream has no end of its own: it ends when either side ends it
            async.addListener(this);
            try {
                out = response.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException("no output stream for the event stream", e);
            }
            out.setWriteListener(this);
        }

        @Override
        public synchronized boolean ready() {
            if (done) {
                return true; // write() then fails, which tells the stream
            }
            if (!out.isReady()) {
                return false; // the container calls onWritePossible when it can take more
            }
            if (flushDue) {
                flushDue = false;
                try {
                    out.flush();
                } catch (IOException e) {
                    return true; // write() fails next and tells the stream
                }
                return out.isReady();
            }
            return true;
        }

        @Override
        public synchronized void write(byte[] bytes) throws IOException {
            if (done) {
                throw new IOException("the event stream has ended");
            }
            out.write(bytes);
            if (out.isReady()) {
                out.flush();
            } else {
                flushDue = true;
            }
        }

        @Override
        public void end() {
            complete();
        }

        /** The servlet API has no way to cut a connection: completing is the most we can do. */
        @Override
        public void abort() {
            complete();
        }

        private void complete() {
            AsyncContext context;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                context = async;
            }
            try {
                context.complete();
            } catch (IllegalStateException e) {
                LOG.log(Level.FINE, "event stream already completed", e);
            }
        }

        private void gone() {
            synchronized (this) {
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

        @Override
        public void onWritePossible() {
            Listener current = listener;
            if (current != null) {
                current.writable();
            }
        }

        @Override
        public void onError(Throwable error) {
            gone();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            gone();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            gone();
        }

        @Override
        public void onError(AsyncEvent event) {
            gone();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
