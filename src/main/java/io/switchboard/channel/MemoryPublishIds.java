package io.switchboard.channel;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;

/** Publish ids for one node: at most {@code max}, the oldest forgotten first. */
final class MemoryPublishIds implements PublishIds {

    private final int max;
    /** Id to its first answer (incomplete while the first publish is in flight); guarded by {@code this}. */
    private final LinkedHashMap<String, CompletableFuture<String>> answers = new LinkedHashMap<>();

    MemoryPublishIds(int max) {
        this.max = max;
    }

    @Override
    public CompletableFuture<String> claim(String id) {
        CompletableFuture<String> first;
        synchronized (this) {
            first = answers.get(id);
            if (first == null) {
                answers.put(id, new CompletableFuture<>());
                trim();
                return CompletableFuture.completedFuture(null);
            }
        }
        // In flight elsewhere: wait for its answer; if it was abandoned, claim again.
        return first.handle((answer, error) -> error == null ? CompletableFuture.completedFuture(answer) : claim(id))
                .thenCompose(answer -> answer);
    }

    @Override
    public CompletableFuture<Void> complete(String id, String answer) {
        CompletableFuture<String> pending;
        synchronized (this) {
            pending = answers.get(id);
            if (pending == null || pending.isDone()) {
                pending = new CompletableFuture<>();
                answers.put(id, pending);
                trim();
            }
        }
        pending.complete(answer);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void abandon(String id) {
        CompletableFuture<String> pending;
        synchronized (this) {
            pending = answers.get(id);
            if (pending == null || pending.isDone()) {
                return;
            }
            answers.remove(id);
        }
        pending.completeExceptionally(new IllegalStateException("abandoned"));
    }

    private void trim() {
        Iterator<CompletableFuture<String>> oldest = answers.values().iterator();
        while (answers.size() > max && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
