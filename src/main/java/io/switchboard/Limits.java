package io.switchboard;

import java.time.Duration;

/**
 * Every bound the server keeps (protocol section 5), read once from {@link Settings}. None is
 * unbounded; each has a setting, listed in the README.
 */
public record Limits(
        int maxMessageBytes,
        int maxTextLength,
        int retention,
        double framesPerSecond,
        int frameBurst,
        int floodStrikes,
        Duration floodWindow,
        int maxConnectionsPerUser,
        int maxConnections,
        int maxTopicsPerConnection,
        int maxQueuedBytes,
        int maxChannels,
        Duration pingInterval,
        Duration idleTimeout,
        Duration closeGrace,
        double publishesPerSecond,
        int publishBurst,
        int maxPublishIds,
        long memoryBudgetBytes) {

    /** The annotation ceiling on incoming messages; {@code maxMessageBytes} may not exceed it. */
    public static final int MESSAGE_BYTES_CEILING = 1 << 20;

    public static Limits from(Settings s) {
        Limits limits = new Limits(
                s.getInt("switchboard.maxMessageBytes", 65536),
                s.getInt("switchboard.maxTextLength", 4000),
                s.getInt("switchboard.retention", 1000),
                s.getDouble("switchboard.framesPerSecond", 10),
                s.getInt("switchboard.frameBurst", 20),
                s.getInt("switchboard.floodStrikes", 50),
                Duration.ofMillis(s.getLong("switchboard.floodWindowMs", 10_000)),
                s.getInt("switchboard.maxConnectionsPerUser", 32),
                s.getInt("switchboard.maxConnections", 10_000),
                s.getInt("switchboard.maxTopicsPerConnection", 100),
                s.getInt("switchboard.maxQueuedBytes", 1 << 20),
                s.getInt("switchboard.maxChannels", 10_000),
                Duration.ofMillis(s.getLong("switchboard.pingIntervalMs", 25_000)),
                Duration.ofMillis(s.getLong("switchboard.idleTimeoutMs", 60_000)),
                Duration.ofMillis(s.getLong("switchboard.closeGraceMs", 5_000)),
                s.getDouble("switchboard.publishesPerSecond", 200),
                s.getInt("switchboard.publishBurst", 400),
                s.getInt("switchboard.maxPublishIds", 10_000),
                s.getLong("switchboard.memoryBudgetBytes", Runtime.getRuntime().maxMemory() / 4));
        limits.check();
        return limits;
    }

    /**
     * How much of a welcome (or of one catch-up step after it) recovered items may fill: half the
     * outgoing queue, so a recovery never overflows the queue it is sent through.
     */
    public int recoveryBudget() {
        return Math.max(1, maxQueuedBytes / 2);
    }

    private void check() {
        if (maxMessageBytes < 1024 || maxMessageBytes > MESSAGE_BYTES_CEILING) {
            throw new IllegalArgumentException("switchboard.maxMessageBytes must be from 1024 to " + MESSAGE_BYTES_CEILING);
        }
        positive("switchboard.maxTextLength", maxTextLength);
        positive("switchboard.retention", retention);
        positive("switchboard.frameBurst", frameBurst);
        positive("switchboard.maxConnectionsPerUser", maxConnectionsPerUser);
        positive("switchboard.maxConnections", maxConnections);
        positive("switchboard.maxTopicsPerConnection", maxTopicsPerConnection);
        positive("switchboard.maxQueuedBytes", maxQueuedBytes);
        positive("switchboard.maxChannels", maxChannels);
        positive("switchboard.maxPublishIds", maxPublishIds);
        positive("switchboard.memoryBudgetBytes", memoryBudgetBytes);
        if (framesPerSecond <= 0 || publishesPerSecond <= 0) {
            throw new IllegalArgumentException("rates must be above 0");
        }
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("switchboard.idleTimeoutMs must be longer than switchboard.pingIntervalMs");
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
    }
}
