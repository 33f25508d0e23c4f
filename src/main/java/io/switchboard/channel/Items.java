package io.switchboard.channel;

/**
 * What a log needs to know of the items it holds, so that logs stay generic: a chat room holds
 * messages, an inbox or a topic notifications. A durable or clustered log stores {@link #json}
 * text and reads it back with {@link #parse}; the text is also the item's frame on the wire.
 */
public interface Items<T> {

    long seq(T item);

    /** The same item numbered {@code seq}: drafts carry seq 0 until the log numbers them. */
    T withSeq(T item, long seq);

    /** The item's frame: JSON text, encoded once and shared by every member and by the store. */
    String json(T item);

    T parse(String json);

    /** True when a publish answers how many connections the item reached ({@code delivered}): a cluster then asks the other nodes. */
    default boolean countsDeliveries() {
        return false;
    }
}
