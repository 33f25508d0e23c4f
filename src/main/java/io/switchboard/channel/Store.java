package io.switchboard.channel;

/**
 * Everything a node keeps beyond its connections: the logs and the shared state next to them.
 * The memory store holds them on the heap; a durable store in a database; a clustered one shares them.
 */
public interface Store extends AutoCloseable {

    LogStore logs();

    Presence presence();

    ReadMarks readMarks();

    PublishIds publishIds();

    /** What the logs and operators call this store ({@code memory}, {@code embedded}, {@code postgresql}). */
    String kind();

    /** True while the store can be reached (for {@code /health/ready}). */
    default boolean reachable() {
        return true;
    }

    /** The cluster this store is shared in, as the start line shows it; {@code off} for one node. */
    default String cluster() {
        return "off";
    }

    @Override
    void close();
}
