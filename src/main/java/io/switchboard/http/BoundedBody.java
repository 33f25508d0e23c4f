package io.switchboard.http;

import java.util.Arrays;

/**
 * A request body collected as it arrives, chunk by chunk from a non-blocking read, up to a bound:
 * {@code expected} bytes when the request declared its length, else until one byte over {@code
 * max}, which is enough to answer 413 without holding more. Used by one request at a time (the
 * container serialises its read callbacks).
 */
public final class BoundedBody {

    private final int target;
    private byte[] bytes;
    private int size;

    /**
     * @param declared the request's {@code Content-Length}, or -1 without one
     * @param max      the largest body accepted; one byte more is collected to tell that it was larger
     */
    public BoundedBody(long declared, int max) {
        this.target = declared >= 0 ? (int) Math.min(declared, (long) max + 1) : max + 1;
        this.bytes = new byte[Math.min(target, 8192)];
    }

    /** Room left before the bound: how much to read at most now. */
    public int room() {
        return target - size;
    }

    /** True once the declared length, or one byte over the bound, has been collected. */
    public boolean complete() {
        return size >= target;
    }

    /** Adds {@code length} bytes of {@code chunk}; what goes past the bound is dropped. */
    public void append(byte[] chunk, int offset, int length) {
        int take = Math.min(length, room());
        if (size + take > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(target, Math.max(size + take, bytes.length * 2)));
        }
        System.arraycopy(chunk, offset, bytes, size, take);
        size += take;
    }

    public byte[] bytes() {
        return Arrays.copyOf(bytes, size);
    }
}
