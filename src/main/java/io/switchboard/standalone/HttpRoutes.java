package io.switchboard.standalone;

import io.switchboard.Switchboard;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.Health;
import io.switchboard.http.RoomPath;
import io.switchboard.notify.PublishApi;
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
        } else if (path.equals("/api/notifications")) {
            if (request.getMethod() != Method.POST) {
                response.sendError(405);
                return;
            }
            // Read no further than Content-Length: Grizzly does not end the stream there for a request
            // that offers an upgrade (the JDK's HttpClient offers h2c on every request), and would block.
            long length = request.getContentLengthLong();
            int limit = length >= 0 ? (int) Math.min(length, PublishApi.MAX_BODY_BYTES + 1L) : PublishApi.MAX_BODY_BYTES + 1;
            byte[] body = request.getInputStream().readNBytes(limit);
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
