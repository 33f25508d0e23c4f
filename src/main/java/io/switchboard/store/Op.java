package io.switchboard.store;

import io.switchboard.channel.NumberedLog.Appended;
import io.switchboard.channel.StoreUnavailable;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting for a writer: appends, read marks and publish answers all ride the same
 * group-commit transactions. Fields below the constructor are the writer thread's scratch while it
 * writes a batch, read by the delivery thread after the commit (the executor hand-off orders them).
 */
sealed interface Op permits Op.Append, Op.Mark, Op.Answer {

    /** The key that picks the writer: logs by name, so one writer orders each log. */
    String shardKey();

    void fail(Throwable cause);

    /** Completes the caller's future: the transaction committed. */
    void succeed();

    final class Append<T> implements Op {
        final JdbcLog<T> log;
        final T draft;
        final String key;
        final CompletableFuture<Appended<T>> future = new CompletableFuture<>();

        /** The stored item (new or earlier), its JSON, and whether it was stored before. */
        T item;
        String json;
        boolean duplicate;
        /** An earlier append of this batch under the same key: answer with its item. */
        Append<T> sameAs;
        /** This item alone could not be stored (it does not encode); the batch goes on. */
        RuntimeException failed;

        Append(JdbcLog<T> log, T draft, String key) {
            this.log = log;
            this.draft = draft;
            this.key = key;
        }

        String stream() {
            return log.state.name;
        }

        @Override
        public String shardKey() {
            return stream();
        }

        @Override
        public void fail(Throwable cause) {
            future.completeExceptionally(cause);
        }

        @Override
        public void succeed() {
            if (failed != null) {
                future.completeExceptionally(failed);
            } else if (sameAs != null) {
                if (sameAs.failed != null) {
                    future.completeExceptionally(sameAs.failed);
                } else {
                    future.complete(new Appended<>(sameAs.item, true));
                }
            } else {
                future.complete(new Appended<>(item, duplicate));
            }
        }
    }

    final class Mark implements Op {
        final String log;
        final String user;
        final long upTo;
        final CompletableFuture<Long> future = new CompletableFuture<>();
        long result;

        Mark(String log, String user, long upTo) {
            this.log = log;
            this.user = user;
            this.upTo = upTo;
        }

        @Override
        public String shardKey() {
            return log;
        }

        @Override
        public void fail(Throwable cause) {
            future.completeExceptionally(cause);
        }

        @Override
        public void succeed() {
            future.complete(result);
        }
    }

    final class Answer implements Op {
        final String id;
        final String answer;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Answer(String id, String answer) {
            this.id = id;
            this.answer = answer;
        }

        @Override
        public String shardKey() {
            return id;
        }

        @Override
        public void fail(Throwable cause) {
            future.completeExceptionally(cause);
        }

        @Override
        public void succeed() {
            future.complete(null);
        }
    }

    static StoreUnavailable unavailable(String what, Throwable cause) {
        return new StoreUnavailable(what, cause);
    }
}
