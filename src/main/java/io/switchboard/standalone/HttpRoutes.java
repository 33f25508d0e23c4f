package io.switchboard.standalone;

import io.switchboard.Switchboard;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.BoundedBody;
import io.switchboard.http.Health;
import io.switchboard.http.PublishHeaders;
import io.switchboard.http.PublishKey;
import io.switchboard.http.RoomPath;
import io.switchboard.notify.PublishApi;
import io.switchboard.ops.MetricsApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The HTTP side of the standalone server: the API and health, then the WAR's static files.
 *
 * <p>Handlers run on Grizzly's worker threads, the same few that take over a selector's WebSocket
 * reads when it falls behind ({@link SelectorFirstStrategy}), so none of them may wait for a client. A publish is checked on its headers first (401, 415, then 429 and 413
 * by the declared length: {@link PublishHeaders}); its body is then collected with Grizzly's
 * non-blocking input while the response is suspended, and published once complete. A body that
 * trickles in holds a little memory (at most 64 KiB + 1) and no thread, until the request deadline
 * ({@link RequestDeadline}) cuts it off.
 */
final class HttpRoutes extends HttpHandler {

    private static final Logger LOG = Logger.getLogger(HttpRoutes.class.getName());
    private static final String ROOMS = "/api/rooms";
    /**
     * Stands for a body declared larger than the limit: {@link PublishApi#post} answers it from its
     * length alone (429 or 413, in the contract's order) and reads none of it. Never written to.
     */
    private static final byte[] OVER_THE_LIMIT = new byte[PublishApi.MAX_BODY_BYTES + 1];

    private final Switchboard switchboard;
    private final PublishKey key;
    private final EventStreamRoutes eventStreams;
    private final CLStaticHttpHandler files = new CLStaticHttpHandler(HttpRoutes.class.getClassLoader(), "/webapp/");

    HttpRoutes(Switchboard switchboard) {
        this.switchboard = switchboard;
        this.key = new PublishKey(switchboard.publishKey());
        this.eventStreams = new EventStreamRoutes(switchboard.eventStreams());
        files.setFileCacheEnabled(false);
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        String path = request.getRequestURI();
        if (path.equals("/health")) {
            write(ApiResponse.of(200, Health.UP), response);
        } else if (path.equals("/health/live")) {
            write(switchboard.healthApi().live(), response);
        } else if (path.equals("/health/ready")) {
            write(switchboard.healthApi().ready(), response);
        } else if (path.equals("/metrics")) {
            write(switchboard.metricsApi().get(request.getHeader("Authorization")), response);
        } else if (path.equals("/api/notifications")) {
            if (request.getMethod() != Method.POST) {
                response.sendError(405);
                return;
            }
            publish(request, response);
        } else if (EventStreamRoutes.handles(path)) {
            eventStreams.service(request, response);
        } else if (path.startsWith(ROOMS + "/")) {
            String room = RoomPath.room(path.substring(ROOMS.length()));
            if (room == null || request.getMethod() != Method.GET) {
                response.sendError(404);
                return;
            }
            write(switchboard.roomMessagesApi().get(request.getHeader("Authorization"), room,
                    request.getParameter("before"), request.getParameter("limit")), response);
        } else {
            files.service(request, response);
        }
    }

    /**
     * The headers decide first; what is left of a refused request's body Grizzly skips as it comes,
     * without a handler waiting for it. Grizzly takes any {@code Upgrade} header (Java's HttpClient
     * sends {@code h2c}) as a protocol switch after which the body never ends, so a declared length is
     * read exactly, and such a request without one gets 411.
     */
    private void publish(Request request, Response response) throws IOException {
        String authorization = request.getHeader("Authorization");
        String contentType = request.getContentType();
        ApiResponse refused = PublishHeaders.refusal(key, authorization, contentType, switchboard.codec()::json);
        if (refused != null) {
            write(refused, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > PublishApi.MAX_BODY_BYTES) {
            write(switchboard.publishApi().post(authorization, contentType, OVER_THE_LIMIT), response);
            return;
        }
        if (declared < 0 && request.getHeader("Upgrade") != null) {
            response.sendError(411);
            return;
        }
        BoundedBody body = new BoundedBody(declared, PublishApi.MAX_BODY_BYTES);
        NIOInputStream in = request.getNIOInputStream();
        BodyReader reader = new BodyReader(in, body, response,
                bytes -> switchboard.publishApi().post(authorization, contentType, bytes));
        // Usually the whole body came with the headers: answer now, without suspending.
        reader.collect();
        if (body.complete() || in.isFinished()) {
            write(switchboard.publishApi().post(authorization, contentType, body.bytes()), response);
            return;
        }
        response.suspend();
        in.notifyAvailable(reader);
    }

    /** Collects the body as Grizzly says bytes are ready, never reading more than are; answers once it is complete. */
    private static final class BodyReader implements ReadHandler {
        private final NIOInputStream in;
        private final BoundedBody body;
        private final Response response;
        private final Function<byte[], ApiResponse> answer;
        private final byte[] chunk = new byte[8192];
        private final AtomicBoolean done = new AtomicBoolean();

        BodyReader(NIOInputStream in, BoundedBody body, Response response, Function<byte[], ApiResponse> answer) {
            this.in = in;
            this.body = body;
            this.response = response;
            this.answer = answer;
        }

        @Override
        public void onDataAvailable() throws IOException {
            collect();
            if (body.complete()) {
                finish();
            } else {
                in.notifyAvailable(this);
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            collect();
            finish();
        }

        @Override
        public void onError(Throwable error) {
            // The connection ended or was cut (request deadline): Grizzly cancels the suspended response.
            LOG.log(Level.FINE, "publish body not received", error);
            if (done.compareAndSet(false, true) && response.isSuspended()) {
                try {
                    response.resume();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINEST, "response already gone", e);
                }
            }
        }

        /** Reads only what is ready: {@code read} would block for more once the buffered bytes are gone. */
        void collect() throws IOException {
            int ready;
            while (!body.complete() && (ready = in.readyData()) > 0) {
                int read = in.read(chunk, 0, Math.min(Math.min(ready, chunk.length), body.room()));
                if (read < 0) {
                    return;
                }
                body.append(chunk, 0, read);
            }
        }

        private void finish() throws IOException {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                write(answer.apply(body.bytes()), response);
            } finally {
                response.resume();
            }
        }
    }


    private static void write(MetricsApi.Answer answer, Response response) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        // Grizzly drops a content type whose parameters it does not parse: the charset goes on its own.
        response.setContentType(answer.contentType().replace("; charset=utf-8", ""));
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void write(ApiResponse answer, Response response) throws IOException {
        response.setStatus(answer.status());
        if (answer.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Integer.toString(answer.retryAfterSeconds()));
        }
        if (!answer.json().isEmpty()) {
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
