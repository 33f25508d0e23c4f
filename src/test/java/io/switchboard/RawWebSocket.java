package io.switchboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a bare TCP socket (RFC 6455), for what the JDK client will not do: send
 * bytes that are not UTF-8 in a text frame, or complete the handshake and then never answer a ping.
 * It only does what a test tells it to; nothing is answered automatically.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port} and completes the opening handshake for {@code pathAndQuery}. */
    public static RawWebSocket open(int port, String pathAndQuery) {
        return open(port, pathAndQuery, "127.0.0.1:" + port, null);
    }

    /** Opens with any {@code Host} header, which the JDK client will not let a test choose, and an optional {@code Origin}. */
    public static RawWebSocket open(int port, String pathAndQuery, String host, String origin) {
        RawWebSocket raw = connect(port, pathAndQuery, host, origin);
        String status = raw.status;
        if (!status.startsWith("HTTP/1.1 101")) {
            raw.close();
            fail("handshake to " + pathAndQuery + " answered " + status);
        }
        return raw;
    }

    /** The HTTP status of the handshake's answer, whatever it is; the connection is closed afterwards. */
    public static int handshakeStatus(int port, String pathAndQuery, String host, String origin) {
        try (RawWebSocket raw = connect(port, pathAndQuery, host, origin)) {
            return Integer.parseInt(raw.status.split(" ")[1]);
        }
    }

    private String status;

    private static RawWebSocket connect(int port, String pathAndQuery, String host, String origin) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) WsRecorder.WAIT.toMillis());
            RawWebSocket raw = new RawWebSocket(socket);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
            raw.out.flush();
            raw.status = raw.readHeaders();
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the response head; returns its status line. */
    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n"));
    }

    /** Sends one final, masked frame with any payload, valid or not. */
    public void sendFrame(int opcode, byte[] payload) {
        try {
            out.write(frame(opcode, payload));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Several text frames in one write, as a client sending a burst puts them on the wire at once. */
    public void sendTexts(java.util.List<String> texts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String text : texts) {
            all.writeBytes(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            out.write(all.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frames of any opcode in one write, as they would arrive in one read: {@code Frame} here is a client frame. */
    public void sendInOneWrite(Frame... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Frame f : frames) {
            all.writeBytes(frame(f.opcode(), f.payload()));
        }
        try {
            out.write(all.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text frame to send with {@link #sendInOneWrite}. */
    public static Frame text(String text) {
        return new Frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendText(String text) {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server, within {@link WsRecorder#WAIT}. */
    public Frame next() {
        try {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            return fail("no frame within " + WsRecorder.WAIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads past other frames (pings included, left unanswered) to the close frame, within {@link WsRecorder#WAIT}; returns its code. */
    public int awaitClose() {
        long deadline = System.nanoTime() + WsRecorder.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = next();
            if (frame.opcode() == CLOSE) {
                return frame.closeCode();
            }
        }
        return fail("no close frame within " + WsRecorder.WAIT);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
