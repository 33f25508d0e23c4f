package io.switchboard.ops;

import io.switchboard.http.PublishKey;

/**
 * {@code GET /metrics} (protocol section 10): the Prometheus text format, behind {@code
 * Authorization: Bearer <switchboard.metricsKey>} when that key is set (a missing or wrong one gets
 * 401), open when it is not. The same for the servlet and the Grizzly handler.
 */
public final class MetricsApi {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    /** Null: no key set, open. */
    private final PublishKey key;

    public MetricsApi(Metrics metrics, String key) {
        this.metrics = metrics;
        this.key = key == null ? null : new PublishKey(key);
    }

    /** An answer: a status, its content type, its body. */
    public record Answer(int status, String contentType, String body) {
    }

    public Answer get(String authorization) {
        if (key != null && !key.matches(authorization)) {
            return new Answer(401, CONTENT_TYPE, "a metrics key is required: Authorization: Bearer <key>\n");
        }
        if (!metrics.isEnabled()) {
            return new Answer(404, CONTENT_TYPE, "metrics are off (switchboard.metrics=false)\n");
        }
        return new Answer(200, CONTENT_TYPE, metrics.scrape());
    }

    public boolean isProtected() {
        return key != null;
    }
}
