package io.switchboard.channel;

/**
 * Where a log stands: {@code epoch} names its life (a log that lost items starts a new one), {@code
 * latest} is the latest seq (0 when empty). With retention R the retained items are {@code
 * max(1, latest - R + 1)} to {@code latest}.
 */
public record Position(String epoch, long latest) {

    public long firstRetained(int retention) {
        return Math.max(1, latest - retention + 1);
    }
}
