package io.switchboard.cluster;

import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Messages between nodes on a few Hazelcast topics, as plain bytes. Topics are fire and forget (a
 * busy or dying member drops events), so every message carries its sender's sequence number on
 * its topic, and a sender that published since its last heartbeat sends one every second: a
 * receiver that sees a number skipped, even the last one, calls {@link Receiver#lost} and the
 * logs on that topic are read again (the log, not the topic, is the record).
 *
 * <p>Log announcements and signals of one log always travel on the same topic, so one sender's
 * messages about a log arrive in the order it sent them.
 */
final class Bus implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Bus.class.getName());
    static final int SHARDS = 8;
    /** The presence topic's index, after the log shards. */
    static final int PRESENCE = SHARDS;

    static final byte ANNOUNCE = 1;
    static final byte SIGNAL = 2;
    static final byte HEARTBEAT = 3;
    static final byte PRESENCE_CHANGE = 4;
    static final byte PRESENCE_SNAPSHOT = 5;
    static final byte PRESENCE_ASK = 6;
    static final byte COUNT_ASK = 7;
    static final byte COUNT = 8;

    /** What a node does with what others send; called on Hazelcast's event threads, must not block. */
    interface Receiver {
        void received(int topic, UUID origin, byte kind, List<String> fields);

        /** A message from {@code origin} on {@code topic} went missing. */
        void lost(int topic, UUID origin);

        /** {@code origin} sends as a new bus (its application was redeployed): what it said before is void. */
        void restarted(UUID origin);
    }

    private final UUID self;
    /**
     * This bus's own life on its member: a WAR redeployed on a running Payara is a new bus on the
     * same member, whose numbers start again at 1. A receiver that sees a new incarnation starts
     * its count afresh and hears of it ({@link Receiver#restarted}) instead of taking the lower
     * numbers for old ones.
     */
    private final long incarnation = new java.security.SecureRandom().nextLong();
    /** Per sender: the incarnation last heard. */
    private final Map<UUID, Long> incarnations = new ConcurrentHashMap<>();
    private final List<ITopic<byte[]>> topics = new ArrayList<>();
    private final List<UUID> registrations = new ArrayList<>();
    /** Per topic: this node's last sequence number sent, and the last one a heartbeat carried. Guarded by the topic's slot. */
    private final long[] sent = new long[SHARDS + 1];
    private final long[] beaten = new long[SHARDS + 1];
    /** Per topic and sender: the last sequence number received. */
    private final List<Map<UUID, Long>> heard = new ArrayList<>();
    private volatile Receiver receiver;

    Bus(Grid grid) {
        this.self = grid.localId();
        for (int i = 0; i <= SHARDS; i++) {
            ITopic<byte[]> topic = grid.hazelcast().getTopic(i == PRESENCE ? "switchboard-presence" : "switchboard-bus-" + i);
            topics.add(topic);
            heard.add(new ConcurrentHashMap<>());
        }
    }

    /** Starts hearing the topics. */
    void start(Receiver receiver) {
        this.receiver = receiver;
        for (int i = 0; i <= SHARDS; i++) {
            int index = i;
            registrations.add(topics.get(i).addMessageListener((Message<byte[]> m) -> hear(index, m.getMessageObject())));
        }
    }

    UUID self() {
        return self;
    }

    static int shard(String log) {
        return Math.floorMod(log.hashCode(), SHARDS);
    }

    /** Sends {@code kind} with {@code fields} to every other node on {@code topic}. */
    void send(int topic, byte kind, String... fields) {
        synchronized (sent) {
            long seq = ++sent[topic];
            publish(topic, encode(kind, seq, fields));
        }
    }

    /** Once a second: a heartbeat on every topic this node sent on since the last one. */
    void heartbeat() {
        synchronized (sent) {
            for (int i = 0; i <= SHARDS; i++) {
                if (sent[i] > beaten[i]) {
                    beaten[i] = sent[i];
                    publish(i, encode(HEARTBEAT, sent[i]));
                }
            }
        }
    }

    /** Forgets what was heard from a node that left. */
    void forget(UUID node) {
        heard.forEach(map -> map.remove(node));
        incarnations.remove(node);
    }

    private void publish(int topic, byte[] bytes) {
        try {
            topics.get(topic).publishAsync(bytes);
        } catch (RuntimeException e) {
            // The heartbeat that follows tells the others they missed it; they read the logs again.
            LOG.log(Level.FINE, "publishing on the cluster bus failed", e);
        }
    }

    private void hear(int topic, byte[] bytes) {
        Receiver r = receiver;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte kind = in.readByte();
            UUID origin = new UUID(in.readLong(), in.readLong());
            long life = in.readLong();
            if (origin.equals(self) || r == null) {
                return;
            }
            Long known = incarnations.put(origin, life);
            if (known != null && known != life) {
                heard.forEach(map -> map.remove(origin));
                r.restarted(origin);
            }
            long seq = in.readLong();
            Long last = heard.get(topic).put(origin, seq);
            boolean gap = last != null && (kind == HEARTBEAT ? seq > last : seq > last + 1);
            if (last != null && seq < last) {
                heard.get(topic).merge(origin, last, Math::max); // late, not lost: keep the highest
            }
            if (gap) {
                r.lost(topic, origin);
            }
            if (kind == HEARTBEAT) {
                return;
            }
            int count = in.readInt();
            List<String> fields = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                fields.add(length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            r.received(topic, origin, kind, fields);
        } catch (IOException | RuntimeException e) {
            // One bad message must not stop the listener: the logs are read again on the next gap.
            LOG.log(Level.WARNING, "a cluster message could not be handled", e);
        }
    }

    private byte[] encode(byte kind, long seq, String... fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeLong(self.getMostSignificantBits());
            out.writeLong(self.getLeastSignificantBits());
            out.writeLong(incarnation);
            out.writeLong(seq);
            out.writeInt(fields.length);
            for (String field : fields) {
                if (field == null) {
                    out.writeInt(-1);
                } else {
                    byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        for (int i = 0; i < registrations.size(); i++) {
            try {
                topics.get(i).removeMessageListener(registrations.get(i));
            } catch (RuntimeException e) {
                LOG.fine(() -> "removing a bus listener: " + e);
            }
        }
    }
}
