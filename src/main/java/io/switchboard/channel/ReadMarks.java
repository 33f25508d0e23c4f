package io.switchboard.channel;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** How far each user has read each log (an inbox, a room): a mark that never goes down. */
public interface ReadMarks {

    /** The user's mark in {@code log}, 0 when none. */
    CompletableFuture<Long> get(String log, String user);

    /** Raises the mark to {@code upTo} unless it is already there or higher; completes with the mark after it, once durable. */
    CompletableFuture<Long> advance(String log, String user, long upTo);

    /** The marks above 0 of {@code users} in {@code log}. */
    CompletableFuture<Map<String, Long>> marks(String log, Collection<String> users);
}
