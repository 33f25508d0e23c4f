package io.switchboard.http;

/** {@code GET /health}: answered once the server accepts connections. */
public final class Health {

    public static final String UP = "{\"status\":\"UP\"}";

    private Health() {
    }
}
