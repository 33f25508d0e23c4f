package io.switchboard.channel;

import java.util.concurrent.CompletableFuture;

/**
 * The publish API's idempotency ids: one namespace per server (or cluster), bounded, the oldest
 * forgotten first. Each id maps to the body of its first answer.
 */
public interface PublishIds {

    /**
     * Claims {@code id}. Completes with the first answer's body when the id was answered before (the
     * caller answers it again, publishing nothing), or with null when the caller now owns the id and
     * must {@link #complete} or {@link #abandon} it. A second claim while the first is in flight
     * waits for it.
     */
    CompletableFuture<String> claim(String id);

    /** Remembers the first answer of an owned id. */
    CompletableFuture<Void> complete(String id, String answer);

    /** Gives up an owned id that was not published (the store failed): a retry may claim it again. */
    void abandon(String id);
}
