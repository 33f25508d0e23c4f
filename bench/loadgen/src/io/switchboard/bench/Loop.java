package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * One thread, one selector, many WebSocket client connections (RFC 6455, text frames only). The
 * generator is pinned to one core, so a single loop is the cheapest way to hold 10,000 connections;
 * no class here is thread-safe and none needs to be.
 */
final class Loop implements AutoCloseable {

    /** What a workload hears from its connections, on the loop thread. */
    interface Handler {
        /** The 101 arrived; frames may follow. */
        default void onOpen(Conn c) {
        }

        /** One complete text message, UTF-8 in {@code b[off, off + len)}; valid only during the call. */
        void onText(Conn c, byte[] b, int off, int len);

        /** The connection ended: refused, reset, or closed by the server; {@code why} says which. */
        void onClosed(Conn c, String why);
    }

    private final Selector selector;
    private final InetSocketAddress address;
    private final String host;
    private final Handler handler;
    /** Shared read buffer: a connection's leftover partial frame is copied to its front first. */
    private final byte[] in = new byte[1 << 20];
    private final ByteBuffer inBuf = ByteBuffer.wrap(in);
    private int open;
    /** WebSocket pings the servers sent (each answered with a pong at once). */
    long serverPings;

    Loop(String host, int port, Handler handler) throws IOException {
        this.selector = Selector.open();
        this.address = new InetSocketAddress(host, port);
        this.host = host + ":" + port;
        this.handler = handler;
    }

    /** Connections that completed the upgrade and are not closed. */
    int openCount() {
        return open;
    }

    Conn connect(String path, int id) {
        return connect(path, id, address);
    }

    /** As {@link #connect(String, int)}, to another port on the same host (another node of a cluster). */
    Conn connect(String path, int id, int port) {
        return connect(path, id, port == address.getPort() ? address : new InetSocketAddress(address.getAddress(), port));
    }

    private Conn connect(String path, int id, InetSocketAddress to) {
        Conn c = new Conn(this, id, path);
        c.startedNanos = System.nanoTime();
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.ch = ch;
            if (ch.connect(to)) {
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                sendUpgrade(c);
            } else {
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            fail(c, "connect: " + e.getMessage());
        }
        return c;
    }

    private void sendUpgrade(Conn c) {
        String req = "GET " + c.path + " HTTP/1.1\r\nHost: " + host
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        c.state = Conn.UPGRADING;
        c.write(req.getBytes(StandardCharsets.US_ASCII));
    }

    /** Runs the selector once, waiting at most {@code timeoutMillis} (0: do not wait). */
    void poll(long timeoutMillis) throws IOException {
        if (timeoutMillis <= 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            Conn c = (Conn) k.attachment();
            if (!k.isValid()) {
                continue;
            }
            try {
                if (k.isConnectable()) {
                    c.ch.finishConnect();
                    k.interestOps(SelectionKey.OP_READ);
                    sendUpgrade(c);
                    continue;
                }
                if (k.isWritable()) {
                    c.flush();
                }
                if (k.isValid() && k.isReadable()) {
                    read(c);
                }
            } catch (IOException e) {
                fail(c, "io: " + e.getMessage());
            }
        }
    }

    private void read(Conn c) throws IOException {
        int start = 0;
        if (c.leftover != null) {
            System.arraycopy(c.leftover, 0, in, 0, c.leftover.length);
            start = c.leftover.length;
            c.leftover = null;
        }
        inBuf.clear().position(start);
        int n = c.ch.read(inBuf);
        if (n < 0) {
            fail(c, "eof");
            return;
        }
        int end = start + n;
        int pos = 0;
        if (c.state == Conn.UPGRADING) {
            int headerEnd = indexOf(in, 0, end, HEADER_END);
            if (headerEnd < 0) {
                keep(c, 0, end);
                return;
            }
            if (!startsWith(in, 0, end, "HTTP/1.1 101")) {
                int eol = indexOf(in, 0, end, new byte[] {'\r', '\n'});
                fail(c, "refused: " + new String(in, 0, Math.max(0, eol), StandardCharsets.US_ASCII));
                return;
            }
            c.state = Conn.OPEN;
            open++;
            handler.onOpen(c);
            pos = headerEnd + 4;
        }
        pos = frames(c, pos, end);
        if (pos < end && c.state != Conn.CLOSED) {
            keep(c, pos, end);
        }
    }

    /** Parses whole frames from {@code in[pos, end)}; returns where the first incomplete one starts. */
    private int frames(Conn c, int pos, int end) throws IOException {
        while (end - pos >= 2 && c.state != Conn.CLOSED) {
            int b0 = in[pos] & 0xff;
            int b1 = in[pos + 1] & 0xff;
            int header = 2;
            long len = b1 & 0x7f;
            if (len == 126) {
                if (end - pos < 4) {
                    break;
                }
                len = ((in[pos + 2] & 0xff) << 8) | (in[pos + 3] & 0xff);
                header = 4;
            } else if (len == 127) {
                if (end - pos < 10) {
                    break;
                }
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (in[pos + 2 + i] & 0xff);
                }
                header = 10;
            }
            if ((b1 & 0x80) != 0) {
                fail(c, "masked server frame");
                return end;
            }
            if (len > in.length - 16) {
                fail(c, "frame too large: " + len);
                return end;
            }
            if (end - pos < header + len) {
                break;
            }
            int off = pos + header;
            int n = (int) len;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            switch (opcode) {
                case 0x1, 0x0 -> text(c, fin, opcode, off, n);
                case 0x2 -> fail(c, "binary frame");
                case 0x8 -> {
                    c.closeReceived = true;
                    String why = "close " + (n >= 2 ? ((in[off] & 0xff) << 8 | (in[off + 1] & 0xff)) : 1005)
                            + (n > 2 ? " " + new String(in, off + 2, n - 2, StandardCharsets.UTF_8) : "");
                    if (!c.closeSent) {
                        c.sendClose();
                    }
                    fail(c, why);
                }
                case 0x9 -> {
                    serverPings++;
                    c.write(Frames.control(0xA, in, off, n));
                }
                default -> {
                    // 0xA (pong) and anything reserved: nothing to do.
                }
            }
            pos = off + n;
        }
        return pos;
    }

    private void text(Conn c, boolean fin, int opcode, int off, int n) {
        if (opcode == 0x1 && fin && c.fragments == null) {
            handler.onText(c, in, off, n);
            return;
        }
        if (c.fragments == null) {
            c.fragments = new java.io.ByteArrayOutputStream();
        }
        c.fragments.write(in, off, n);
        if (fin) {
            byte[] whole = c.fragments.toByteArray();
            c.fragments = null;
            handler.onText(c, whole, 0, whole.length);
        }
    }

    private static void keep(Conn c, int from, int end) {
        c.leftover = java.util.Arrays.copyOfRange(c.leftoverSource(), from, end);
    }

    void fail(Conn c, String why) {
        if (c.state == Conn.CLOSED) {
            return;
        }
        if (c.state == Conn.OPEN || c.state == Conn.CLOSING) {
            open--;
        }
        c.state = Conn.CLOSED;
        try {
            if (c.ch != null) {
                c.ch.close();
            }
        } catch (IOException ignored) {
            // Closing a socket that is already gone.
        }
        handler.onClosed(c, why);
    }

    byte[] inArray() {
        return in;
    }

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private static int indexOf(byte[] b, int from, int end, byte[] pat) {
        outer:
        for (int i = from; i <= end - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (b[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int from, int end, String s) {
        if (end - from < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // Leaving anyway.
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Leaving anyway.
        }
    }
}
