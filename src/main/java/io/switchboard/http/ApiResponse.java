package io.switchboard.http;

/**
 * An HTTP API answer, independent of servlets and Grizzly: a status, a JSON body (empty for none),
 * and for a 503 the seconds after which to retry ({@code Retry-After}; 0: no header).
 */
public record ApiResponse(int status, String json, int retryAfterSeconds) {

    public ApiResponse(int status, String json) {
        this(status, json, 0);
    }

    public static ApiResponse of(int status, String json) {
        return new ApiResponse(status, json);
    }

    /** The store could not take it (section 8): 503 with {@code Retry-After}; nothing was stored. */
    public static ApiResponse unavailable(String message, JsonWriter writer) {
        return new ApiResponse(503, writer.json(new ErrorBody("unavailable", message)), 1);
    }

    /** {@code {"error": code, "message": message}}, the contract's 400 body. */
    public static ApiResponse error(int status, String code, String message, JsonWriter writer) {
        return new ApiResponse(status, writer.json(new ErrorBody(code, message)));
    }

    public record ErrorBody(String error, String message) {
    }

    /** Whatever turns a body record into JSON text. */
    @FunctionalInterface
    public interface JsonWriter {
        String json(Object value);
    }
}
