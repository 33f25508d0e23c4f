package io.switchboard.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One server frame's JSON text, encoded once and shared by every peer it is offered to, and the
 * same frame as WebSocket bytes (RFC 6455 section 5.2: unmasked, final, text), framed once on first
 * use so a broadcast to a thousand members frames it once, not a thousand times.
 */
public final class Frame {

    private final String text;
    /** Written once, racily: two threads may both frame it, and either result is the same. */
    private volatile byte[] wire;

    private Frame(String text) {
        this.text = text;
    }

    public static Frame of(String json) {
        return new Frame(json);
    }

    public String text() {
        return text;
    }

    /** The whole WebSocket frame, header included; a view of shared bytes, one per send. */
    public ByteBuffer wire() {
        return ByteBuffer.wrap(framed()).asReadOnlyBuffer();
    }

    /** How many bytes {@link #wire} holds, without a view. */
    public int wireLength() {
        return framed().length;
    }

    private byte[] framed() {
        byte[] framed = wire;
        if (framed == null) {
            framed = frame(text.getBytes(StandardCharsets.UTF_8));
            wire = framed;
        }
        return framed;
    }

    private static byte[] frame(byte[] payload) {
        int n = payload.length;
        int header = n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] framed = new byte[header + n];
        framed[0] = (byte) 0x81; // FIN, text
        if (n <= 125) {
            framed[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            framed[1] = 126;
            framed[2] = (byte) (n >>> 8);
            framed[3] = (byte) n;
        } else {
            framed[1] = 127;
            for (int i = 0; i < 8; i++) {
                framed[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, framed, header, n);
        return framed;
    }

    /** What it counts against an outgoing queue's bound: UTF-16 units, close enough for JSON. */
    public int weight() {
        return text.length();
    }
}
