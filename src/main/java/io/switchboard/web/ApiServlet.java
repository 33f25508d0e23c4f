package io.switchboard.web;

import io.switchboard.Switchboard;
import io.switchboard.http.ApiResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** What the API servlets share: finding the services and writing an {@link ApiResponse}. */
abstract class ApiServlet extends HttpServlet {

    protected Switchboard switchboard() {
        return SwitchboardListener.of(getServletContext());
    }

    static void write(ApiResponse answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.status());
        if (!answer.json().isEmpty()) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
