package io.switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/** One client connection of a {@link Loop}, with the per-connection state the workloads check. */
final class Conn {

    static final int CONNECTING = 0;
    static final int UPGRADING = 1;
    static final int OPEN = 2;
    static final int CLOSING = 3;
    static final int CLOSED = 4;

    final Loop loop;
    final int id;
    final String path;
    SocketChannel ch;
    SelectionKey key;
    int state = CONNECTING;
    long startedNanos;
    byte[] leftover;
    ByteArrayOutputStream fragments;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(0);
    boolean closeSent;
    boolean closeReceived;

    // Workload state: set by the workloads, read by their checks.
    boolean welcomed;
    /** The next message seq this member must receive; any other is a gap or a reorder. */
    long nextSeq = -1;
    /** Pings: the next ref to send and the next one expected back, in order. */
    long nextRef;
    long expectRef;
    /** Send times of the pings in flight, by ref modulo its length. */
    long[] sentAt;
    long nextPingAt;

    Conn(Loop loop, int id, String path) {
        this.loop = loop;
        this.id = id;
        this.path = path;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    void sendText(String text) {
        write(Frames.text(text));
    }

    void sendClose() {
        closeSent = true;
        write(Frames.close(1000));
        if (state == OPEN) {
            state = CLOSING;
        }
    }

    void write(byte[] bytes) {
        if (state == CLOSED) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (out.isEmpty()) {
            try {
                ch.write(b);
            } catch (IOException e) {
                loop.fail(this, "write: " + e.getMessage());
                return;
            }
            if (!b.hasRemaining()) {
                return;
            }
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
        out.add(b);
    }

    void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer b = out.peek();
            ch.write(b);
            if (b.hasRemaining()) {
                return;
            }
            out.poll();
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    /** The loop's read buffer, which {@code leftover} is cut from. */
    byte[] leftoverSource() {
        return loop.inArray();
    }
}
