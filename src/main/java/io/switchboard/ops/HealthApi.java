package io.switchboard.ops;

import io.switchboard.http.ApiResponse;
import io.switchboard.http.Health;
import java.util.List;

/**
 * {@code GET /health/live} and {@code GET /health/ready} (protocol sections 8 and 10), the same for
 * the servlets and the Grizzly handler; {@code GET /health} stays {@link Health#UP} once serving.
 */
public final class HealthApi {

    private final List<Check> checks;

    public HealthApi(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** {@code 200 {"status":"UP"}} while the process runs and answers. */
    public ApiResponse live() {
        return ApiResponse.of(200, Health.UP);
    }

    /**
     * {@code 200 {"status":"UP"}} when every check is up; else {@code 503
     * {"status":"DOWN","checks":[{"name":"store","status":"DOWN"}, …]}}, every check listed with its state.
     */
    public ApiResponse ready() {
        StringBuilder listed = new StringBuilder();
        boolean up = true;
        for (Check check : checks) {
            boolean checkUp = check.isUp();
            up &= checkUp;
            listed.append(listed.isEmpty() ? "" : ",")
                    .append("{\"name\":\"").append(check.name()).append("\",\"status\":\"")
                    .append(checkUp ? "UP" : "DOWN").append("\"}");
        }
        return up ? ApiResponse.of(200, Health.UP)
                : ApiResponse.of(503, "{\"status\":\"DOWN\",\"checks\":[" + listed + "]}");
    }

    public List<Check> checks() {
        return checks;
    }
}
