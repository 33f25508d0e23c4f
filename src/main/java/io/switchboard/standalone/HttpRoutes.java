package io.switchboard.standalone;

import io.switchboard.Switchboard;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.Health;
import io.switchboard.http.RoomPath;
import io.switchboard.notify.PublishApi;
import io.switchboard.ops.MetricsApi;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** The HTTP side of the standalone server: the API and health, then the WAR's static files. */
final class HttpRoutes extends HttpHandler {

    private static final String ROOMS = "/api/rooms";

    private final Switchboard switchboard;
    private final CLStaticHttpHandler files = new CLStaticHttpHandler(HttpRoutes.class.getClassLoader(), "/webapp/");

    HttpRoutes(Switchboard switchboard) {
        this.switchboard = switchboard;
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
            byte[] body = readBody(request);
            if (body == null) {
                response.sendError(411);
                return;
            }
            write(switchboard.publishApi().post(request.getHeader("Authorization"), request.getContentType(), body),
                    response);
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
     * At most one byte over the limit, enough to answer 413. Grizzly takes any {@code Upgrade}
     * header (Java's HttpClient sends {@code h2c}) as a protocol switch after which the body never
     * ends, so a declared length is read exactly, and such a request without one gets null (411).
     */
    private static byte[] readBody(Request request) throws java.io.IOException {
        int limit = PublishApi.MAX_BODY_BYTES + 1;
        long declared = request.getContentLengthLong();
        if (declared >= 0) {
            return request.getInputStream().readNBytes((int) Math.min(declared, limit));
        }
        if (request.getHeader("Upgrade") != null) {
            return null;
        }
        return request.getInputStream().readNBytes(limit);
    }

    private static void write(MetricsApi.Answer answer, Response response) throws Exception {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        // Grizzly drops a content type whose parameters it does not parse: the charset goes on its own.
        response.setContentType(answer.contentType().replace("; charset=utf-8", ""));
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void write(ApiResponse answer, Response response) throws Exception {
        response.setStatus(answer.status());
        if (!answer.json().isEmpty()) {
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
