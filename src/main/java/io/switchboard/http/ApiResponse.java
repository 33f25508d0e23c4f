package io.switchboard.http;

/** An HTTP API answer, independent of servlets and Grizzly: a status and a JSON body (empty for none). */
public record ApiResponse(int status, String json) {

    public static ApiResponse of(int status, String json) {
        return new ApiResponse(status, json);
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
