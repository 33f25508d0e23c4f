package io.switchboard.transport;

import io.switchboard.Limits;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every open connection: the per-user and total bounds, the heartbeat, and the shutdown close. */
public final class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());

    private final Limits limits;
    private final Admission admission;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    /** Connections per user id; guarded by {@code this}, like {@link #total}. */
    private final Map<String, Integer> perUser = new HashMap<>();
    private int total;

    public Connections(Limits limits) {
        this(limits, Admission.unlimited());
    }

    public Connections(Limits limits, Admission admission) {
        this.limits = limits;
        this.admission = admission;
    }

    /**
     * Counts a new connection in.
     *
     * @throws Refusal 1008 when its user or its remote address has too many, 1013 when the server has
     */
    public void admit(Connection connection) {
        String user = connection.identity().user();
        String address = connection.peer().remoteAddress();
        synchronized (this) {
            if (total >= limits.maxConnections()) {
                throw new Refusal(CloseCode.TOO_SLOW, "server at its connection limit: try again later");
            }
            int count = perUser.getOrDefault(user, 0);
            if (count >= limits.maxConnectionsPerUser()) {
                throw new Refusal(CloseCode.POLICY, "too many connections for this user");
            }
            if (!admission.openFrom(address)) {
                throw new Refusal(CloseCode.POLICY, "too many connections from this address");
            }
            perUser.put(user, count + 1);
            total++;
        }
        open.add(connection);
        connection.meters().opened();
    }

    void remove(Connection connection) {
        if (!open.remove(connection)) {
            return;
        }
        connection.meters().closed();
        String user = connection.identity().user();
        synchronized (this) {
            perUser.computeIfPresent(user, (u, count) -> count == 1 ? null : count - 1);
            admission.closedFrom(connection.peer().remoteAddress());
            total--;
        }
    }

    public int size() {
        return open.size();
    }

    /** Bytes queued and in flight to every open connection; walks them all, so for scrapes, not hot paths. */
    public long queuedBytes() {
        long bytes = 0;
        for (Connection connection : open) {
            bytes += connection.peer().queuedBytes();
        }
        return bytes;
    }

    /** The open connections now, for tests and operations. */
    List<Connection> snapshot() {
        return List.copyOf(open);
    }

    void heartbeat() {
        long now = System.nanoTime();
        long ping = limits.pingInterval().toNanos();
        long idle = limits.idleTimeout().toNanos();
        for (Connection connection : open) {
            try {
                connection.heartbeat(now, ping, idle);
            } catch (RuntimeException e) {
                // One connection's trouble must not stop every other connection's pings.
                LOG.log(Level.WARNING, "heartbeat of connection " + connection.peer().id() + " failed", e);
                connection.close(CloseCode.INTERNAL_ERROR, "internal error");
            }
        }
    }

    /** Closes every connection, as on shutdown or undeploy (1001). */
    public void closeAll(CloseCode code, String reason) {
        if (!open.isEmpty()) {
            ConnectionLog.summary("closing " + open.size() + " connections with " + code.code() + ": " + reason);
        }
        for (Connection connection : List.copyOf(open)) {
            connection.close(code, reason);
        }
    }
}
