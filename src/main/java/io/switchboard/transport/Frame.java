package io.switchboard.transport;

/**
 * One server frame's JSON text, encoded once and shared by every peer it is offered to. The
 * transport may add a pre-framed byte form here, so a broadcast is framed once too.
 */
public final class Frame {

    private final String text;

    private Frame(String text) {
        this.text = text;
    }

    public static Frame of(String json) {
        return new Frame(json);
    }

    public String text() {
        return text;
    }

    /** What it counts against an outgoing queue's bound: UTF-16 units, close enough for JSON. */
    public int weight() {
        return text.length();
    }
}
