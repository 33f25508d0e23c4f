package io.switchboard.channel;

/**
 * Where channels get their logs. The in-memory store gives each new channel a fresh log with a new
 * epoch; a durable or clustered store would hand back the existing one.
 */
@FunctionalInterface
public interface LogStore {

    <T> NumberedLog<T> open(String channel);

    static LogStore inMemory(int retention) {
        return new LogStore() {
            @Override
            public <T> NumberedLog<T> open(String channel) {
                return new MemoryLog<>(retention);
            }
        };
    }
}
