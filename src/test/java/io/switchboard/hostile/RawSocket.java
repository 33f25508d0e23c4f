package io.switchboard.hostile;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket client written by hand on a plain socket (RFC 6455), so that a test can send what no
 * well-behaved library would: reserved bits, unknown opcodes, unmasked frames, bad lengths, broken
 * UTF-8. It reads the server's frames the same way and reports the close code it got.
 */
final class RawSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** No close frame arrived: the connection just ended (RFC 6455 7.1.5 calls this 1006). */
    static final int ABNORMAL = 1006;
    /** A close frame without a code (RFC 6455 7.1.5). */
    static final int NO_CODE = 1005;

    /** How a frame's payload length is written: as short as possible, or padded to 16 or 64 bits (not minimal). */
    enum Length { MINIMAL, SIXTEEN, SIXTY_FOUR }

    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NO_CODE;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> responseHeaders;
    private final List<String> texts = new ArrayList<>();

    private RawSocket(Socket socket, int status, Map<String, String> responseHeaders) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        this.responseHeaders = responseHeaders;
    }

    /** Opens a TCP connection and sends nothing: a half-open client. */
    static Socket tcp(int port) {
        return tcp(port, 0);
    }

    /** Likewise, with a receive buffer of about {@code receiveBufferBytes} (0: the system's), set before connecting so the window is small from the start. */
    static Socket tcp(int port, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) Duration.ofSeconds(10).toMillis());
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Performs the opening handshake; {@link #status()} tells whether it was accepted (101). */
    static RawSocket connect(int port, String path, Map<String, String> headers) {
        return connect(port, path, headers, 0);
    }

    /** The handshake on a socket with a small receive buffer: a client that reads slowly fills it soon. */
    static RawSocket connect(int port, String path, Map<String, String> headers, int receiveBufferBytes) {
        return connect(port, path, headers, receiveBufferBytes, new byte[0]);
    }

    /** The handshake with {@code frames} behind it in the same write, as a client that does not wait for the 101 sends them. */
    static RawSocket connectPipelined(int port, String path, byte[] frames) {
        return connect(port, path, Map.of(), 0, frames);
    }

    private static RawSocket connect(int port, String path, Map<String, String> headers, int receiveBufferBytes, byte[] behind) {
        Socket socket = tcp(port, receiveBufferBytes);
        try {
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key()).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            bytes.writeBytes(behind);
            socket.getOutputStream().write(bytes.toByteArray());
            socket.getOutputStream().flush();
            String head = readHead(socket.getInputStream());
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ");
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                }
            }
            return new RawSocket(socket, Integer.parseInt(statusLine[1]), responseHeaders);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw new AssertionError("handshake to " + path + " failed", e);
        }
    }

    static RawSocket connect(int port, String path) {
        return connect(port, path, Map.of());
    }

    private static String key() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake response: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16_384) {
                throw new IOException("handshake response too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    int status() {
        return status;
    }

    String responseHeader(String name) {
        return responseHeaders.get(name.toLowerCase());
    }

    /** Text frames seen while waiting for something else. */
    List<String> texts() {
        return texts;
    }

    // ---- writing ----

    void text(String text) {
        frame(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void frame(boolean fin, int rsv, int opcode, byte[] payload) {
        frame(fin, rsv, opcode, payload, true, Length.MINIMAL);
    }

    /** Writes one frame exactly as asked; {@code rsv} is the three reserved bits (0 to 7). */
    void frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, Length length) {
        write(encode(fin, rsv, opcode, payload, masked, length));
    }

    static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, Length length) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        long n = payload.length;
        Length used = length == Length.MINIMAL ? (n <= 125 ? null : n <= 0xFFFF ? Length.SIXTEEN : Length.SIXTY_FOUR) : length;
        if (used == null) {
            frame.write(maskBit | (int) n);
        } else if (used == Length.SIXTEEN) {
            frame.write(maskBit | 126);
            frame.write((int) (n >>> 8) & 0xFF);
            frame.write((int) n & 0xFF);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (n >>> shift) & 0xFF);
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.write(mask, 0, 4);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        frame.write(body, 0, body.length);
        return frame.toByteArray();
    }

    /** A close frame with {@code code} and a reason, or any payload a test wants. */
    void close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        frame(true, 0, CLOSE, payload);
    }

    /** Raw bytes, for anything {@link #frame} cannot express. False when the server had already gone. */
    boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (SocketException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reading ----

    /** The next frame, or null when the connection ended. Fails after {@code wait} without one. */
    Frame read(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = readByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            if (length > 16 << 20) {
                throw new AssertionError("server frame of " + length + " bytes");
            }
            byte[] mask = null;
            if ((b1 & 0x80) != 0) {
                mask = in.readNBytes(4);
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                return null;
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0xF, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + wait);
        } catch (SocketException e) {
            return null; // reset by the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** The next text frame (answering pings on the way); fails at a close or after {@code wait}. */
    String nextText(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Frame frame = read(remaining(deadline));
            if (frame == null) {
                throw new AssertionError("connection ended while waiting for a text frame");
            }
            if (frame.opcode() == TEXT) {
                return frame.text();
            }
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed " + frame.closeCode() + " while waiting for a text frame");
            }
            if (frame.opcode() == PING) {
                frame(true, 0, PONG, frame.payload());
            }
        }
    }

    /**
     * Reads until the server closes: its close code, {@link #NO_CODE} for a close frame without one,
     * or {@link #ABNORMAL} when the connection ended with no close frame. Text frames on the way are
     * kept in {@link #texts()}.
     */
    int awaitClose(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Frame frame = read(remaining(deadline));
            if (frame == null) {
                return ABNORMAL;
            }
            if (frame.opcode() == TEXT) {
                texts.add(frame.text());
            } else if (frame.opcode() == CLOSE) {
                return frame.closeCode();
            }
        }
    }

    /** True when the server ended the TCP connection (EOF or reset) within {@code wait}. */
    boolean awaitEnd(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, remaining(deadline).toMillis()));
                if (in.read(new byte[4096]) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
