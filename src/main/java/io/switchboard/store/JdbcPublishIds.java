package io.switchboard.store;

import io.switchboard.channel.PublishIds;
import io.switchboard.channel.StoreUnavailable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publish ids in table {@code publish_id}, bounded by the {@link Cleaner}. Claims in flight are
 * held in memory (one node): a second claim of an id waits for the first owner's outcome.
 */
final class JdbcPublishIds implements PublishIds {

    /** How long a second claim waits for the first owner before it is told to retry later. */
    private static final long WAIT_SECONDS = 15;

    private final JdbcStore store;
    /** Ids owned by a caller now: completes with the answer, or with null when abandoned. */
    private final ConcurrentHashMap<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    JdbcPublishIds(JdbcStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<String> claim(String id) {
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> owner = inFlight.putIfAbsent(id, mine);
        if (owner != null) {
            return owner.copy()
                    .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
                    .handle((answer, failure) -> {
                        if (failure != null) {
                            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                            throw cause instanceof TimeoutException
                                    ? new StoreUnavailable("publish id " + id + " is still being published", null)
                                    : new CompletionException(cause);
                        }
                        return answer;
                    })
                    .thenCompose(answer -> answer != null ? CompletableFuture.completedFuture(answer) : claim(id));
        }
        return store.<String>onReader(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT answer FROM publish_id WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        }).whenComplete((answer, failure) -> {
            if (failure != null || answer != null) {
                inFlight.remove(id, mine);
                mine.complete(answer);
            }
        });
    }

    @Override
    public CompletableFuture<Void> complete(String id, String answer) {
        Op.Answer op = new Op.Answer(id, answer);
        store.submit(op);
        return op.future.whenComplete((ok, failure) -> {
            CompletableFuture<String> owned = inFlight.remove(id);
            if (owned != null) {
                owned.complete(failure == null ? answer : null);
            }
            if (failure == null) {
                store.cleaner().answered();
            }
        });
    }

    @Override
    public void abandon(String id) {
        CompletableFuture<String> owned = inFlight.remove(id);
        if (owned != null) {
            owned.complete(null);
        }
    }
}
