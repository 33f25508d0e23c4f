package io.switchboard.http;

/**
 * The checks of {@code POST /api/notifications} that need no body, in the contract's order: 401
 * (the key), then 415 (the media type). The adapters run them before they read a byte of the body,
 * so a caller without the key cannot make the server wait for one; 429 and 413 follow in the publish
 * API itself, 413 from the declared length when there is one.
 */
public final class PublishHeaders {

    private PublishHeaders() {
    }

    /** The answer that refuses the request on its headers alone, or null when its body should be read. */
    public static ApiResponse refusal(PublishKey key, String authorization, String contentType, ApiResponse.JsonWriter json) {
        if (!key.matches(authorization)) {
            return ApiResponse.of(401, "");
        }
        if (!isJson(contentType)) {
            return ApiResponse.error(415, "unsupported_media_type", "send application/json", json);
        }
        return null;
    }

    /** {@code application/json}, with any parameters ({@code ; charset=utf-8}). */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim();
        return mediaType.equalsIgnoreCase("application/json");
    }
}
