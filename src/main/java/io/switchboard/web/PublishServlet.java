package io.switchboard.web;

import io.switchboard.notify.PublishApi;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /api/notifications}; the logic is in {@link PublishApi}. */
@WebServlet("/api/notifications")
public final class PublishServlet extends ApiServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = readAtMost(request.getInputStream(), PublishApi.MAX_BODY_BYTES);
        write(switchboard().publishApi().post(request.getHeader("Authorization"), request.getContentType(), body),
                response);
    }
}
