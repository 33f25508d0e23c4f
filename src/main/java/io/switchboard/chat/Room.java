package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Failures;
import io.switchboard.channel.Presence;
import io.switchboard.channel.ReadMarks;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.transport.Frame;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat room on this node: its {@link Channel} of messages, presence counted per user, typing,
 * read receipts (section 11, spaced by {@link Receipts}). Presence changes are offered under the
 * channel's lock, so every member sees them in a consistent place among the messages.
 */
final class Room {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());
    static final int MAX_LISTED_MEMBERS = 100;
    /** Read marks remembered for welcomes: more than the members a welcome lists. */
    private static final int KNOWN_MARKS = 2 * MAX_LISTED_MEMBERS;

    private final String name;
    private final String key;
    private final Channel<Message> channel;
    private final Presence presence;
    private final ReadMarks marks;
    private final Receipts receipts;
    private final ServerCodec codec;
    private final Limits limits;
    /**
     * Marks above 0 read from the store for joiners and the members listed to them, or announced
     * since, most recent last: what a welcome's {@code reads} is built from, under the channel's
     * lock where the store cannot be asked. Guarded by itself; bounded by {@link #KNOWN_MARKS}, and
     * emptied when the room here has no member left (a room kept idle holds none).
     */
    private final Map<String, Long> knownMarks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > KNOWN_MARKS;
        }
    };

    Room(String name, Channel<Message> channel, Presence presence, ReadMarks marks, Receipts receipts,
         ServerCodec codec, Limits limits) {
        this.name = name;
        this.key = logName(name);
        this.channel = channel;
        this.presence = presence;
        this.marks = marks;
        this.receipts = receipts;
        this.codec = codec;
        this.limits = limits;
    }

    /** The room's log, and the name its read marks are kept under (section 11). */
    static String logName(String room) {
        return "room:" + room;
    }

    String name() {
        return name;
    }

    Channel<Message> channel() {
        return channel;
    }

    /**
     * Adds a member: {@code join} to the others on the user's first connection, then its {@code
     * welcome} and what it missed. The read marks of the joiner and of the members it will see are
     * read first, so the welcome's {@code reads} can be built under the channel's lock.
     */
    void join(ChatConnection connection, Long since, String epoch) {
        String user = connection.user();
        List<String> listed = new ArrayList<>(presence.users(key, MAX_LISTED_MEMBERS));
        listed.add(user);
        marks.marks(key, listed).whenComplete((read, error) -> {
            Map<String, Long> found = read == null ? Map.of() : read;
            if (error != null) {
                // The welcome still goes; marks not read now arrive with the next receipts.
                LOG.log(Level.FINE, "reading the read marks of " + name + " failed", error);
            }
            remember(found);
            channel.join(connection, since, epoch, () -> {
                Presence.Change change = presence.join(key, user, connection.peer().id());
                if (change.changed()) {
                    channel.broadcastEverywhere(frame(ServerMessage.Presence.join(user, change.count())),
                            member -> member != connection, null);
                }
            }, snapshot -> {
                List<String> members = presence.users(key, MAX_LISTED_MEMBERS);
                return frame(ServerMessage.Welcome.chat(name, user, presence.count(key), members, snapshot.seq(),
                        snapshot.epoch(), snapshot.recovered(), reads(members, found), snapshot.items()));
            });
        });
    }

    /** {@code welcome.reads}: the listed members' marks above 0, the ones read here but not yet written included. */
    private Map<String, Long> reads(List<String> members, Map<String, Long> found) {
        Map<String, Long> reads = new TreeMap<>();
        synchronized (knownMarks) {
            for (String member : members) {
                long known = Math.max(knownMarks.getOrDefault(member, 0L), found.getOrDefault(member, 0L));
                long mark = Math.max(known, receipts.known(name, member));
                if (mark > 0) {
                    reads.put(member, mark);
                }
            }
        }
        return Collections.unmodifiableMap(reads);
    }

    private void remember(Map<String, Long> found) {
        synchronized (knownMarks) {
            found.forEach((user, mark) -> {
                if (mark != null && mark > 0) {
                    knownMarks.merge(user, mark, Math::max);
                }
            });
        }
    }

    /**
     * {@code read} (section 11): marks the room read up to {@code seq}, clamped to the latest and
     * never down. No reply; the {@code receipt} follows within the spacing of {@link Receipts}.
     */
    void read(ChatConnection reader, Long seq, String ref) throws FrameRejected {
        if (seq == null) {
            throw new FrameRejected(ErrorCode.INVALID, "'seq' is required", ref);
        }
        if (seq < 0) {
            throw new FrameRejected(ErrorCode.INVALID, "'seq' must be 0 or more", ref);
        }
        String user = reader.user();
        channel.position().thenAccept(position -> receipts.read(name, user, Math.min(seq, position.latest())))
                .exceptionally(error -> {
                    LOG.log(Level.FINE, "read in " + name + " failed", error);
                    return null;
                });
    }

    /** A user's mark moved up to {@code mark}: one frame to every member, the user's own connections too. */
    void receipt(String user, long mark) {
        remember(Map.of(user, mark));
        channel.broadcastEverywhere(frame(new ServerMessage.Receipt(user, mark)), member -> true, null);
    }

    /** Removes a member: {@code leave} to the others when it was the user's last connection. */
    void leave(ChatConnection connection) {
        String user = connection.user();
        channel.leave(connection, () -> {
            Presence.Change change = presence.leave(key, user, connection.peer().id());
            if (change.changed()) {
                channel.broadcastEverywhere(frame(ServerMessage.Presence.leave(user, change.count())), member -> true, null);
            }
        });
        if (channel.isIdle()) {
            synchronized (knownMarks) {
                knownMarks.clear(); // the next joiner reads the marks again
            }
        }
    }

    /** {@code user} left with their node (a cluster member that died): {@code leave} to the members here only, as every node does. */
    void departed(String user, int count) {
        channel.broadcast(frame(ServerMessage.Presence.leave(user, count)), member -> true);
    }

    /** Publishes {@code text}; acknowledges once it is stored, or the first seq again when this user already sent {@code ref}. */
    void say(ChatConnection sender, String text, String ref) throws FrameRejected {
        long received = System.nanoTime();
        if (text == null || text.isEmpty()) {
            throw new FrameRejected(ErrorCode.INVALID, "'text' is required", ref);
        }
        if (text.codePointCount(0, text.length()) > limits.maxTextLength()) {
            throw new FrameRejected(ErrorCode.INVALID, "'text' is longer than " + limits.maxTextLength() + " characters", ref);
        }
        String user = sender.user();
        Message draft = new Message(name, 0, user, sender.identity().name(), text,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        channel.publish(draft, ref == null ? null : user + '\n' + ref, received).whenComplete((published, error) -> {
            if (error == null) {
                sender.send(new ServerMessage.Ack(ref, published.item().seq()));
            } else if (Failures.isUnavailable(error)) {
                sender.send(ServerMessage.Error.of(ErrorCode.UNAVAILABLE, "not stored: retry with the same ref", ref));
            } else {
                LOG.log(Level.WARNING, "say in " + name + " failed", error);
                sender.send(ServerMessage.Error.of(ErrorCode.UNAVAILABLE, "not stored: retry with the same ref", ref));
            }
        });
    }

    /** {@code typing} to the connections of the other users; not stored. */
    void typing(ChatConnection typist) {
        String user = typist.user();
        channel.broadcastEverywhere(frame(new ServerMessage.Typing(user)), member -> !member.user().equals(user), user);
    }

    private Frame frame(ServerMessage message) {
        return Frame.of(codec.encode(message));
    }
}
