package io.switchboard.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /health/live} and {@code GET /health/ready}; the logic is in {@link io.switchboard.ops.HealthApi}. */
@WebServlet({"/health/live", "/health/ready"})
public final class HealthProbeServlet extends ApiServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var health = switchboard().healthApi();
        write(request.getServletPath().endsWith("/ready") ? health.ready() : health.live(), response);
    }
}
