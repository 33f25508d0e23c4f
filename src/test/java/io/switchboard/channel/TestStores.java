package io.switchboard.channel;

/** Stores for tests in every package. */
public final class TestStores {

    private TestStores() {
    }

    /** A memory store with {@code retention} and generous other bounds. */
    public static MemoryStore memory(int retention) {
        return new MemoryStore(retention, 10_000, 256L << 20, 10_000);
    }
}
