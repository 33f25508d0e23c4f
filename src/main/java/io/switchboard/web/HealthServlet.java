package io.switchboard.web;

import io.switchboard.http.ApiResponse;
import io.switchboard.http.Health;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /health}. */
@WebServlet("/health")
public final class HealthServlet extends ApiServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(ApiResponse.of(200, Health.UP), response);
    }
}
