package io.switchboard.web;

import io.switchboard.ops.MetricsApi;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: Switchboard's own registry in the Prometheus text format; the logic is in
 * {@link MetricsApi}. The container's MicroProfile Metrics (Payara's {@code /metrics} at the server
 * root) is another registry, untouched.
 */
@WebServlet("/metrics")
public final class MetricsServlet extends ApiServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        MetricsApi.Answer answer = switchboard().metricsApi().get(request.getHeader("Authorization"));
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
