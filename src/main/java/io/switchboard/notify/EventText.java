package io.switchboard.notify;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;

/**
 * Frames as server-sent events (protocol section 12; the format is the HTML standard's
 * {@code text/event-stream}). Frame JSON never holds a raw line break (JSON escapes them in
 * strings), so each frame is one {@code data:} line.
 */
final class EventText {

    private static final String TYPE_PREFIX = "{\"type\":\"";

    private EventText() {
    }

    /** {@code id:} (when not null), {@code event:} and {@code data:} lines, and the blank line that ends an event. */
    static String event(String name, String id, String json) {
        StringBuilder event = new StringBuilder(json.length() + name.length() + 32);
        if (id != null) {
            event.append("id: ").append(id).append('\n');
        }
        return event.append("event: ").append(name).append('\n')
                .append("data: ").append(json).append("\n\n").toString();
    }

    /** A frame's {@code type}: read from its head where the encoder puts it, else parsed; null when it has none. */
    static String type(String json) {
        if (json.startsWith(TYPE_PREFIX)) {
            int end = json.indexOf('"', TYPE_PREFIX.length());
            if (end > 0) {
                return json.substring(TYPE_PREFIX.length(), end);
            }
        }
        return topLevel(json, "type");
    }

    /** A notification frame's {@code seq}; -1 when it has none. */
    static long seq(String json) {
        String seq = topLevel(json, "seq");
        try {
            return seq == null ? -1 : Long.parseLong(seq);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The text of a top-level string or number field, or null: nested objects ({@code data}) are skipped. */
    private static String topLevel(String json, String field) {
        try (JsonParser parser = jakarta.json.Json.createParser(new StringReader(json))) {
            int depth = 0;
            boolean wanted = false;
            while (parser.hasNext()) {
                switch (parser.next()) {
                    case START_OBJECT, START_ARRAY -> {
                        depth++;
                        wanted = false;
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case KEY_NAME -> wanted = depth == 1 && parser.getString().equals(field);
                    case VALUE_STRING, VALUE_NUMBER -> {
                        if (wanted) {
                            return parser.getString();
                        }
                    }
                    default -> wanted = false;
                }
            }
            return null;
        } catch (JsonParsingException e) {
            return null;
        }
    }
}
