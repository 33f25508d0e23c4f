package io.switchboard.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.partition.PartitionLostEvent;
import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.Presence;
import io.switchboard.channel.PublishIds;
import io.switchboard.channel.ReadMarks;
import io.switchboard.channel.Store;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node of a cluster (protocol section 9): the store of one node made shared through the grid.
 * On the memory store the grid holds everything: the logs as rings with a synchronous backup, the
 * read marks, the publish ids. On a database the database stays the record of the logs, marks and
 * ids, and the grid carries what one node tells the others. Either way presence is per node and
 * shared through the bus ({@link ClusterPresence}), and every log is announced over it ({@link
 * ClusterLogs}).
 */
public final class ClusterStore implements Store {

    private static final Logger LOG = Logger.getLogger(ClusterStore.class.getName());
    /** Read marks and say refs the grid keeps per member, the least recently used forgotten first. */
    static final int MAX_GRID_ENTRIES = 1_000_000;
    /** How often every open log is read again, in case a lost announcement went unnoticed. */
    static final long SWEEP_SECONDS = 60;

    private final Store base;
    private final Grid grid;
    private final Bus bus;
    private final ExecutorService calls = GridCalls.start();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-cluster-timer");
        t.setDaemon(true);
        return t;
    });
    private final ClusterLogs logs;
    private final ClusterPresence presence;
    private final ReadMarks readMarks;
    private final PublishIds publishIds;
    private final boolean inGrid;
    private final UUID membership;

    private ClusterStore(Store base, Grid grid, Limits limits) {
        this.base = base;
        this.grid = grid;
        this.bus = new Bus(grid);
        HazelcastInstance hz = grid.hazelcast();
        this.inGrid = base.kind().equals("memory");
        LogStore shared;
        if (inGrid) {
            hz.getConfig().addMapConfig(bounded("switchboard-read-marks", MAX_GRID_ENTRIES));
            hz.getConfig().addMapConfig(bounded("switchboard-log-keys", MAX_GRID_ENTRIES));
            hz.getConfig().addMapConfig(bounded("switchboard-publish-ids", limits.maxPublishIds()));
            GridLogs gridLogs = new GridLogs(hz, limits.retention(), limits.maxChannels(), calls);
            shared = gridLogs::open;
            this.readMarks = new GridReadMarks(hz.getMap("switchboard-read-marks"), calls);
            this.publishIds = new GridPublishIds(hz.getMap("switchboard-publish-ids"), calls);
        } else {
            shared = base.logs();
            this.readMarks = base.readMarks();
            this.publishIds = base.publishIds();
        }
        this.logs = new ClusterLogs(shared, bus, () -> hz.getCluster().getMembers().stream()
                .map(com.hazelcast.cluster.Member::getUuid).collect(java.util.stream.Collectors.toSet()));
        this.presence = new ClusterPresence(bus);
        bus.start(new Bus.Receiver() {
            @Override
            public void received(int topic, UUID origin, byte kind, List<String> fields) {
                if (topic == Bus.PRESENCE) {
                    presence.received(origin, kind, fields);
                } else {
                    logs.received(origin, kind, fields);
                }
            }

            @Override
            public void restarted(UUID origin) {
                // Its entries from before may be stale (its old connections are gone): ask for them all again.
                presence.ask(origin);
            }

            @Override
            public void lost(int topic, UUID origin) {
                if (topic == Bus.PRESENCE) {
                    presence.ask(origin);
                } else {
                    logs.check(topic);
                }
            }
        });
        this.membership = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                guarded(presence::announceAll);
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                UUID gone = event.getMember().getUuid();
                guarded(() -> {
                    bus.forget(gone);
                    presence.nodeLeft(gone);
                    logs.nodeLeft(gone);
                    logs.check(-1); // what it announced last may never have arrived
                });
            }
        });
        if (inGrid) {
            hz.getPartitionService().addPartitionLostListener(event -> guarded(() -> logs.each(log -> {
                if (itemsLost(event) && log.base() instanceof GridLog<?> ring && ring.partition() == event.getPartitionId()) {
                    LOG.warning(() -> "cluster: the items of " + ring.name() + " were lost with their owner and backup: it starts a new epoch");
                    ring.lost();
                }
            })));
        }
        hz.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                guarded(this::merged);
            }
        });
        timer.scheduleWithFixedDelay(() -> guarded(bus::heartbeat), 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> guarded(() -> logs.check(-1)), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        presence.ask(null);
    }

    /**
     * {@code base} shared through the grid the settings ask for; {@code base} itself when the
     * cluster is off.
     *
     * @throws IllegalStateException (one line naming the setting) when the two cannot go together
     */
    public static Store around(Store base, Settings settings, boolean container) {
        boolean ownFile = base.kind().equals("embedded") || base.kind().equals("h2");
        String mode = Grid.mode(settings, container);
        if (ownFile && mode.equals("hazelcast")) {
            throw refusal();
        }
        if (ownFile && mode.equals("auto")) {
            // auto joins a grid only where it can: a node's own H2 file (Payara's default DataSource) cannot be shared.
            LOG.info(() -> "cluster: off, running as one node: the store (" + base.kind() + ") is this node's own"
                    + " database; a cluster needs PostgreSQL or switchboard.store=memory");
            return base;
        }
        Grid grid = Grid.from(settings, container);
        return grid == null ? base : new ClusterStore(base, grid, Limits.from(settings));
    }

    private static IllegalStateException refusal() {
        return new IllegalStateException("switchboard.store: the embedded database (H2) is one node's file and cannot be"
                    + " shared by a cluster: set switchboard.store.url to PostgreSQL, or switchboard.store=memory"
                    + " (or switchboard.cluster=off)");
    }

    /** Split brain healed: the smaller side's rings were merged away, so every log open here starts a new epoch. */
    private void merged() {
        LOG.warning("cluster: a split brain healed; the logs open here start new epochs and presence is gathered again");
        if (inGrid) {
            logs.each(log -> {
                if (log.base() instanceof GridLog<?> ring) {
                    ring.lost();
                }
            });
        } else {
            logs.check(-1);
        }
        presence.ask(null);
        presence.announceAll();
    }

    /**
     * Whether a ring in the event's partition lost its items. Hazelcast sends the event whenever a
     * partition's owner is gone, also when its backup took over with every item
     * (FinalizePromotionOperation, lost backup count 0); only when the owner and all of the
     * ring's {@link GridLogs#BACKUPS} backups went together are the items gone.
     */
    static boolean itemsLost(PartitionLostEvent event) {
        return event.allReplicasInPartitionLost() || event.getLostBackupCount() >= GridLogs.BACKUPS;
    }

    private static MapConfig bounded(String name, int size) {
        return new MapConfig(name).setBackupCount(1).setEvictionConfig(new EvictionConfig()
                .setEvictionPolicy(EvictionPolicy.LRU).setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(size));
    }

    /** No exception may stop the timer or a grid event thread. */
    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster housekeeping failed; it runs again", e);
        }
    }

    @Override
    public LogStore logs() {
        return logs;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public ReadMarks readMarks() {
        return readMarks;
    }

    @Override
    public PublishIds publishIds() {
        return publishIds;
    }

    @Override
    public String kind() {
        return base.kind();
    }

    @Override
    public boolean reachable() {
        return base.reachable();
    }

    /** For {@code /health/ready}: this node is part of its cluster. */
    public boolean isMember() {
        return grid.isMember();
    }

    @Override
    public String cluster() {
        return grid.describe();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            grid.hazelcast().getCluster().removeMembershipListener(membership);
        } catch (RuntimeException e) {
            LOG.fine(() -> "removing the membership listener: " + e);
        }
        bus.close();
        grid.close();
        calls.shutdownNow();
        base.close();
    }
}
