package io.switchboard.web;

import io.switchboard.Switchboard;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.BoundedBody;
import io.switchboard.http.PublishHeaders;
import io.switchboard.http.PublishKey;
import io.switchboard.notify.PublishApi;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /api/notifications}; the logic is in {@link PublishApi}. The headers are judged before
 * the body is read (401, 415, then 429 and 413 by the declared length: {@link PublishHeaders}), and
 * the body is read with servlet async I/O, so a client that trickles it holds no request thread.
 */
@WebServlet(value = "/api/notifications", asyncSupported = true)
public final class PublishServlet extends ApiServlet {

    private static final Logger LOG = Logger.getLogger(PublishServlet.class.getName());
    /** A body that has not arrived within this long is answered 408 (Grizzly's standalone deadline has the same default). */
    static final long BODY_TIMEOUT_MILLIS = 10_000;
    /** Stands for a body declared larger than the limit: {@link PublishApi#post} answers from its length alone. Never written to. */
    private static final byte[] OVER_THE_LIMIT = new byte[PublishApi.MAX_BODY_BYTES + 1];

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Switchboard switchboard = switchboard();
        String authorization = request.getHeader("Authorization");
        String contentType = request.getContentType();
        ApiResponse refused = PublishHeaders.refusal(new PublishKey(switchboard.publishKey()), authorization, contentType,
                switchboard.codec()::json);
        if (refused != null) {
            write(refused, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > PublishApi.MAX_BODY_BYTES) {
            write(switchboard.publishApi().post(authorization, contentType, OVER_THE_LIMIT), response);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(BODY_TIMEOUT_MILLIS);
        BodyReader reader = new BodyReader(async, request.getInputStream(), new BoundedBody(declared, PublishApi.MAX_BODY_BYTES),
                switchboard, authorization, contentType);
        async.addListener(reader);
        request.getInputStream().setReadListener(reader);
    }

    /** Reads while the container says bytes are ready; answers once the body is complete, or 408 at the timeout. */
    private static final class BodyReader implements ReadListener, AsyncListener {
        private final AsyncContext async;
        private final ServletInputStream in;
        private final BoundedBody body;
        private final Switchboard switchboard;
        private final String authorization;
        private final String contentType;
        private final byte[] chunk = new byte[8192];
        private final AtomicBoolean done = new AtomicBoolean();

        BodyReader(AsyncContext async, ServletInputStream in, BoundedBody body, Switchboard switchboard,
                   String authorization, String contentType) {
            this.async = async;
            this.in = in;
            this.body = body;
            this.switchboard = switchboard;
            this.authorization = authorization;
            this.contentType = contentType;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!body.complete() && in.isReady()) {
                int read = in.read(chunk, 0, Math.min(chunk.length, body.room()));
                if (read < 0) {
                    break;
                }
                body.append(chunk, 0, read);
            }
            if (body.complete()) {
                // The declared length, or one byte over the limit: no need to wait for the end of the stream.
                finish(() -> switchboard.publishApi().post(authorization, contentType, body.bytes()));
            }
        }

        @Override
        public void onAllDataRead() {
            finish(() -> switchboard.publishApi().post(authorization, contentType, body.bytes()));
        }

        @Override
        public void onError(Throwable error) {
            LOG.log(Level.FINE, "publish body not received", error);
            if (done.compareAndSet(false, true)) {
                async.complete();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> ApiResponse.error(408, "timeout", "the body did not arrive in time", switchboard.codec()::json));
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        private void finish(java.util.function.Supplier<ApiResponse> answer) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                write(answer.get(), (HttpServletResponse) async.getResponse());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "publish answer not written", e);
            } finally {
                async.complete();
            }
        }
    }
}
