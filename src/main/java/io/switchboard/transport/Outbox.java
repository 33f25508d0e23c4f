package io.switchboard.transport;

import java.util.ArrayList;
import java.util.function.Supplier;

/**
 * The one place frames leave: peers offered frames while a handler (or a store's callback) runs are
 * flushed when it returns, after every lock it took is released. Feature code only offers; it never
 * flushes and never writes a socket under a lock.
 *
 * <p>Outside a scope an offer flushes at once: such callers hold no lock of ours.
 */
public final class Outbox {

    private static final ThreadLocal<Outbox> CURRENT = new ThreadLocal<>();

    /** Peers with frames offered in this scope; guarded by being thread-confined. */
    private final ArrayList<Peer> dirty = new ArrayList<>();
    /** What runs once every peer of this scope is flushed (the fan-out timer); null until needed. */
    private ArrayList<Runnable> afterFlush;
    /** True while {@link #flushNow} works through {@link #dirty}: a flush it causes adds to the list it walks. */
    private boolean flushing;

    private Outbox() {
    }

    /** Runs {@code work}, then flushes every peer it offered frames to. Nested scopes flush with the outermost. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    public static <T> T call(Supplier<T> work) {
        if (CURRENT.get() != null) {
            return work.get();
        }
        Outbox outbox = new Outbox();
        CURRENT.set(outbox);
        try {
            return work.get();
        } finally {
            CURRENT.remove();
            outbox.flushAll();
        }
    }

    /** A peer took a frame and needs a flush: now, or when the current scope ends. For {@link Peer} implementations. */
    public static void needsFlush(Peer peer) {
        Outbox outbox = CURRENT.get();
        if (outbox == null) {
            peer.flush();
        } else {
            outbox.dirty.add(peer);
        }
    }

    /**
     * Runs {@code action} once the current scope has flushed every peer it offered frames to (at
     * once outside a scope). For measuring, not for sending: it must not block.
     */
    public static void afterFlush(Runnable action) {
        Outbox outbox = CURRENT.get();
        if (outbox == null) {
            action.run();
        } else {
            if (outbox.afterFlush == null) {
                outbox.afterFlush = new ArrayList<>(2);
            }
            outbox.afterFlush.add(action);
        }
    }

    /**
     * Sends what the current scope holds so far, and keeps the scope open. For a step that others can
     * observe before the scope ends: a connection that ends says {@code leave} to its rooms before it
     * stops being counted. No-op outside a scope. The caller must hold no lock, as at a scope's end.
     */
    public static void flushNow() {
        Outbox outbox = CURRENT.get();
        if (outbox != null && !outbox.flushing) {
            outbox.flushing = true;
            try {
                outbox.flushDirty();
                outbox.dirty.clear();
            } finally {
                outbox.flushing = false;
            }
        }
    }

    private void flushDirty() {
        // Index loop: a flush may run callbacks that offer more (they open their own scope, or add here).
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
    }

    private void flushAll() {
        flushDirty();
        if (afterFlush != null) {
            afterFlush.forEach(Runnable::run);
        }
    }
}
