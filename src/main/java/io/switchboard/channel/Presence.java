package io.switchboard.channel;

import java.util.List;

/**
 * Who is in each channel, counted per user: a user with several connections counts once. Shared
 * by all nodes in a cluster (each node owning the entries of its own connections).
 */
public interface Presence {

    /** Counts a connection in; {@code first} when it is the user's first connection to the channel. */
    Change join(String channel, String user, String connection);

    /** Counts a connection out; {@code first} (here: last) when it was the user's last one. */
    Change leave(String channel, String user, String connection);

    int count(String channel);

    /** At most {@code max} user ids present, in join order. */
    List<String> users(String channel, int max);

    /**
     * Hears of users who left because their node did (a cluster member that died or left): for each
     * channel and user with no connection left anywhere, with the count after. Called on the
     * cluster's thread; one node's presence never calls it.
     */
    default void onDeparture(Departures departures) {
    }

    @FunctionalInterface
    interface Departures {
        void departed(String channel, String user, int count);
    }

    /** {@code changed}: the user joined or left with this connection; {@code count}: users present after it. */
    record Change(boolean changed, int count) {
    }
}
