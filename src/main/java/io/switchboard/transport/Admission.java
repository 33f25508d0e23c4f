package io.switchboard.transport;

import io.switchboard.Settings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits that apply before and around a connection, per remote address and per user: handshakes
 * per second (token buckets) and open connections per address. Every map is bounded: the buckets by
 * {@code maxTrackedAddresses} (least recently used forgotten first, which only ever resets a bucket
 * to full), the connection counts by the number of open connections.
 */
public final class Admission {

    private final double addressRate;
    private final int addressBurst;
    private final double userRate;
    private final int userBurst;
    private final int maxConnectionsPerAddress;
    /** Guarded by {@code this}, like {@link #connectionsByAddress}. */
    private final Map<String, RateLimiter> handshakesByAddress;
    private final Map<String, RateLimiter> handshakesByUser;
    private final Map<String, Integer> connectionsByAddress = new HashMap<>();

    public Admission(double addressRate, int addressBurst, double userRate, int userBurst,
                     int maxConnectionsPerAddress, int maxTracked) {
        if (addressRate <= 0 || userRate <= 0 || addressBurst < 1 || userBurst < 1 || maxConnectionsPerAddress < 1
                || maxTracked < 1) {
            throw new IllegalArgumentException("handshake rates and connection limits must be above 0");
        }
        this.addressRate = addressRate;
        this.addressBurst = addressBurst;
        this.userRate = userRate;
        this.userBurst = userBurst;
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.handshakesByAddress = lru(maxTracked);
        this.handshakesByUser = lru(maxTracked);
    }

    /**
     * Settings listed in docs/security.md. Per address is generous, since many users can share one
     * address (an office behind NAT, a proxy); per user is tighter.
     */
    public static Admission from(Settings s) {
        return new Admission(
                s.getDouble("switchboard.handshakesPerSecondPerAddress", 50),
                s.getInt("switchboard.handshakeBurstPerAddress", 200),
                s.getDouble("switchboard.handshakesPerSecondPerUser", 10),
                s.getInt("switchboard.handshakeBurstPerUser", 100),
                s.getInt("switchboard.maxConnectionsPerAddress", 1000),
                s.getInt("switchboard.maxTrackedAddresses", 10_000));
    }

    /** No limits: for containers and tests that install none. */
    public static Admission unlimited() {
        return new Admission(Double.MAX_VALUE / 4, Integer.MAX_VALUE, Double.MAX_VALUE / 4, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 1);
    }

    /** True when {@code address} may make another handshake now. */
    public boolean handshakeFromAddress(String address) {
        return take(handshakesByAddress, address, addressRate, addressBurst);
    }

    /** True when {@code user} may open another connection now. */
    public boolean handshakeByUser(String user) {
        return take(handshakesByUser, user, userRate, userBurst);
    }

    private synchronized boolean take(Map<String, RateLimiter> buckets, String key, double rate, int burst) {
        return buckets.computeIfAbsent(key, k -> new RateLimiter(rate, burst)).tryAcquire();
    }

    /** Counts a connection from {@code address} in; false (and nothing counted) when it has too many. */
    synchronized boolean openFrom(String address) {
        int count = connectionsByAddress.getOrDefault(address, 0);
        if (count >= maxConnectionsPerAddress) {
            return false;
        }
        connectionsByAddress.put(address, count + 1);
        return true;
    }

    synchronized void closedFrom(String address) {
        connectionsByAddress.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
    }

    /** Handshake buckets held for addresses (users have a map of the same bound). */
    synchronized int trackedBuckets() {
        return handshakesByAddress.size();
    }

    synchronized int connectionsFrom(String address) {
        return connectionsByAddress.getOrDefault(address, 0);
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }
}
