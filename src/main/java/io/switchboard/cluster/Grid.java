package io.switchboard.cluster;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.Settings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * This node's Hazelcast member (protocol section 9): an embedded one joined by TCP/IP to {@code
 * switchboard.cluster.members} (standalone, {@code switchboard.cluster=hazelcast}), or the
 * container's own (Payara's {@code payara/Hazelcast}, {@code switchboard.cluster=auto}). Only plain
 * bytes and JDK types go into it: Payara's members cannot load this application's classes.
 */
public final class Grid implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Grid.class.getName());
    static final String PAYARA_JNDI = "payara/Hazelcast";
    /** Heartbeats every second, a silent member removed after 6: a dead node's users leave within 15 s. */
    static final int HEARTBEAT_SECONDS = 1;
    static final int MAX_SILENT_SECONDS = 6;

    private final HazelcastInstance hazelcast;
    private final boolean owned;
    private final String where;
    private final UUID localId;

    private Grid(HazelcastInstance hazelcast, boolean owned, String where) {
        this.hazelcast = hazelcast;
        this.owned = owned;
        this.where = where;
        this.localId = hazelcast.getCluster().getLocalMember().getUuid();
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info(() -> "cluster: " + event.getMember().getAddress() + " joined; members now " + describe(event.getMembers()));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.info(() -> "cluster: " + event.getMember().getAddress() + " left; members now " + describe(event.getMembers()));
            }
        });
        LOG.info(() -> "cluster: " + where + ", members " + describe(hazelcast.getCluster().getMembers()));
    }

    /**
     * The grid the settings ask for, or null to run as one node. {@code container}: the WAR, whose
     * default is {@code auto}.
     *
     * @throws IllegalStateException with one line naming the setting when the grid cannot be had
     */
    public static Grid from(Settings settings, boolean container) {
        String mode = mode(settings, container);
        return switch (mode) {
            case "off" -> null;
            case "hazelcast" -> container ? containers(true) : embedded(settings);
            case "auto" -> containers(false);
            default -> throw new IllegalStateException("switchboard.cluster must be off, auto or hazelcast, not '" + mode + "'");
        };
    }

    /** {@code switchboard.cluster}: {@code off}, {@code auto} or {@code hazelcast} (unchecked). */
    static String mode(Settings settings, boolean container) {
        return settings.get("switchboard.cluster", container ? "auto" : "off").toLowerCase(Locale.ROOT);
    }

    /** The container's member; null (one node) when it has none and {@code required} is false. */
    private static Grid containers(boolean required) {
        HazelcastInstance found = null;
        String why;
        try {
            Object bound = new InitialContext().lookup(PAYARA_JNDI);
            found = bound instanceof HazelcastInstance h && h.getLifecycleService().isRunning() ? h : null;
            why = found == null ? PAYARA_JNDI + " is not a running Hazelcast instance (is the data grid off?)" : null;
        } catch (NamingException | LinkageError e) {
            why = "no " + PAYARA_JNDI + " to look up (" + e.getClass().getSimpleName() + ")";
        }
        if (found == null) {
            if (required) {
                throw new IllegalStateException("switchboard.cluster=hazelcast: " + why);
            }
            String reason = why;
            LOG.info(() -> "cluster: off, running as one node: " + reason);
            return null;
        }
        return new Grid(found, false, "the container's data grid (" + PAYARA_JNDI + ")");
    }

    /** An embedded member on the host of this node's entry in the members list, TCP/IP join only. */
    static Grid embedded(Settings settings) {
        int port = settings.getInt("switchboard.cluster.port", 5701);
        List<String> members = members(settings.get("switchboard.cluster.members", "127.0.0.1:" + port));
        Set<String> hosts = members.stream().map(Grid::host).collect(Collectors.toCollection(LinkedHashSet::new));
        String bind = settings.get("switchboard.cluster.interface", hosts.size() == 1 ? hosts.iterator().next() : "127.0.0.1");
        Config config = new Config();
        config.setClusterName(settings.get("switchboard.cluster.name", "switchboard"));
        config.setInstanceName("switchboard-" + port + "-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_SECONDS));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_SILENT_SECONDS));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "20");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(bind);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
        try {
            return new Grid(Hazelcast.newHazelcastInstance(config), true,
                    "embedded member on " + bind + ":" + port + ", joining " + members);
        } catch (RuntimeException e) {
            throw new IllegalStateException("switchboard.cluster.port / switchboard.cluster.members: the cluster member on "
                    + bind + ":" + port + " could not start (" + e.getMessage() + ")", e);
        }
    }

    static List<String> members(String list) {
        List<String> members = new ArrayList<>();
        for (String member : list.split(",")) {
            if (!member.isBlank()) {
                members.add(member.trim());
            }
        }
        if (members.isEmpty()) {
            throw new IllegalStateException("switchboard.cluster.members lists no member");
        }
        return members;
    }

    private static String host(String member) {
        int colon = member.lastIndexOf(':');
        return colon < 0 ? member : member.substring(0, colon);
    }

    private static String describe(Set<Member> members) {
        return members.stream().map(m -> m.getAddress().toString()).sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** This member's id, which tags what it owns in the grid (presence). */
    public UUID localId() {
        return localId;
    }

    public int size() {
        return hazelcast.getCluster().getMembers().size();
    }

    /** For {@code /health/ready}: running and in an active cluster. Answers from local state, never by a round trip. */
    public boolean isMember() {
        try {
            return hazelcast.getLifecycleService().isRunning()
                    && hazelcast.getCluster().getClusterState() == ClusterState.ACTIVE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public String describe() {
        return "hazelcast, " + where + ", " + size() + " member" + (size() == 1 ? "" : "s");
    }

    /** Leaves the cluster when the member is this node's own; the container's is left alone. */
    @Override
    public void close() {
        if (owned) {
            try {
                hazelcast.shutdown();
            } catch (RuntimeException e) {
                LOG.fine(() -> "cluster member shutdown: " + e);
            }
        }
    }
}
