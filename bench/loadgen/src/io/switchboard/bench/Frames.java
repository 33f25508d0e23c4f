package io.switchboard.bench;

import java.nio.charset.StandardCharsets;

/**
 * Client frames (RFC 6455 section 5.2): FIN set, masked. The masking key is all zeros, which the
 * format allows and which makes masking free for the generator; the server unmasks all the same.
 */
final class Frames {

    private Frames() {
    }

    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return frame(0x1, payload, 0, payload.length);
    }

    static byte[] close(int code) {
        return frame(0x8, new byte[] {(byte) (code >> 8), (byte) code}, 0, 2);
    }

    static byte[] control(int opcode, byte[] b, int off, int len) {
        return frame(opcode, b, off, Math.min(len, 125));
    }

    private static byte[] frame(int opcode, byte[] payload, int off, int len) {
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + len];
        f[0] = (byte) (0x80 | opcode);
        if (len < 126) {
            f[1] = (byte) (0x80 | len);
        } else if (len < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (len >> 8);
            f[3] = (byte) len;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) len >> (56 - 8 * i));
            }
        }
        // Masking key: four zero bytes, already there.
        System.arraycopy(payload, off, f, header + 4, len);
        return f;
    }
}
