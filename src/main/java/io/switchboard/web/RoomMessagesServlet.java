package io.switchboard.web;

import io.switchboard.chat.RoomMessagesApi;
import io.switchboard.http.RoomPath;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/rooms/{room}/messages}; the logic is in {@link RoomMessagesApi}. */
@WebServlet("/api/rooms/*")
public final class RoomMessagesServlet extends ApiServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String room = RoomPath.room(request.getPathInfo());
        if (room == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        write(switchboard().roomMessagesApi().get(request.getHeader("Authorization"), room,
                request.getParameter("before"), request.getParameter("limit")), response);
    }
}
