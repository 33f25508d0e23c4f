package io.switchboard.channel;

/** Where channels get their logs: memory, a database, a data grid. */
@FunctionalInterface
public interface LogStore {

    /**
     * A handle on the log named {@code name} ({@code room:lobby}, {@code inbox:alice}, {@code
     * topic:deploys}). Cheap and without I/O: the store is first touched by the handle's calls.
     */
    <T> NumberedLog<T> open(String name, Items<T> items);
}
