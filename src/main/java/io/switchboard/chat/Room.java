package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.transport.Audience;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat room: its numbered log, its members, presence counted per user, idempotent sends.
 *
 * <p>Everything that hands out a seq or changes membership holds the room's lock while it queues
 * frames, so every member sees messages in seq order and presence in a consistent place among
 * them; queuing never blocks. Sockets are written after the lock is released ({@link #flush}).
 */
final class Room {

    static final int MAX_LISTED_MEMBERS = 100;

    private final String name;
    private final NumberedLog<Message> log;
    private final ServerCodec codec;
    private final Limits limits;

    /** Connections per user, in join order; guarded by {@code this}, like everything below. */
    private final LinkedHashMap<String, Integer> users = new LinkedHashMap<>();
    /** Replaced, never changed in place, so a broadcast can walk it after the lock is released. */
    private ChatConnection[] members = new ChatConnection[0];
    /** "user\nref" to the seq it first published; pruned as the log forgets, so bounded by retention. */
    private final Map<String, Long> refs = new HashMap<>();
    private final ArrayDeque<Map.Entry<Long, String>> refsBySeq = new ArrayDeque<>();

    private Room(String name, NumberedLog<Message> log, ServerCodec codec, Limits limits) {
        this.name = name;
        this.log = log;
        this.codec = codec;
        this.limits = limits;
    }

    /** A room on {@code log}, delivering to its members what other nodes append to it too. */
    static Room on(String name, NumberedLog<Message> log, ServerCodec codec, Limits limits) {
        Room room = new Room(name, log, codec, limits);
        log.onRemoteAppend(room::deliver);
        return room;
    }

    /** A message another node appended: to every member here, like a local one. */
    void deliver(Message message) {
        ChatConnection[] audience;
        synchronized (this) {
            audience = members;
            Audience.offer(audience, codec.encode(message));
        }
        Audience.flush(audience);
    }

    String name() {
        return name;
    }

    NumberedLog<Message> log() {
        return log;
    }

    synchronized boolean isIdle() {
        return members.length == 0;
    }

    /**
     * Adds a member: {@code join} to the others on the user's first connection, then its {@code
     * welcome}. Returns the sends to start once the caller holds no lock.
     */
    Runnable join(ChatConnection connection, Long since, String epoch) {
        ChatConnection[] audience;
        String user = connection.identity().user();
        synchronized (this) {
            audience = members;
            if (users.merge(user, 1, Integer::sum) == 1) {
                Audience.offer(audience, codec.encode(ServerMessage.Presence.join(user, users.size())));
            }
            members = Audience.with(members, connection);
            NumberedLog.Recovery<Message> recovery = log.recover(since, epoch);
            connection.peer().offer(codec.encode(ServerMessage.Welcome.chat(name, user, users.size(),
                    users.keySet().stream().limit(MAX_LISTED_MEMBERS).toList(),
                    log.latest(), log.epoch(), recovery.recovered(), recovery.items())));
        }
        return () -> {
            Audience.flush(audience);
            connection.peer().flush();
        };
    }

    /** Removes a member: {@code leave} to the others when it was the user's last connection. */
    void leave(ChatConnection connection) {
        ChatConnection[] audience;
        String user = connection.identity().user();
        synchronized (this) {
            ChatConnection[] remaining = Audience.without(members, connection);
            if (remaining == members) {
                return;
            }
            members = remaining;
            audience = remaining;
            if (users.merge(user, -1, Integer::sum) == 0) {
                users.remove(user);
                Audience.offer(audience, codec.encode(ServerMessage.Presence.leave(user, users.size())));
            }
        }
        Audience.flush(audience);
    }

    /** Publishes {@code text}, or acknowledges the first seq again when this user already sent {@code ref}. */
    void say(ChatConnection sender, String text, String ref) throws FrameRejected {
        if (text == null || text.isEmpty()) {
            throw new FrameRejected(ErrorCode.INVALID, "'text' is required", ref);
        }
        int length = text.codePointCount(0, text.length());
        if (length > limits.maxTextLength()) {
            throw new FrameRejected(ErrorCode.INVALID, "'text' is longer than " + limits.maxTextLength() + " characters", ref);
        }
        String user = sender.identity().user();
        String key = ref == null ? null : user + '\n' + ref;
        ChatConnection[] audience;
        synchronized (this) {
            Long first = key == null ? null : refs.get(key);
            if (first != null) {
                sender.peer().offer(codec.encode(new ServerMessage.Ack(ref, first)));
                audience = null;
            } else {
                Message message = log.append(seq -> new Message(name, seq, user, sender.identity().name(), text,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
                remember(key, message.seq());
                audience = members;
                Audience.offer(audience, codec.encode(message));
                sender.peer().offer(codec.encode(new ServerMessage.Ack(ref, message.seq())));
            }
        }
        if (audience != null) {
            Audience.flush(audience);
        }
        sender.peer().flush();
    }

    /** {@code typing} to the connections of the other users; not stored, so no lock is needed to order it. */
    void typing(ChatConnection typist) {
        String user = typist.identity().user();
        ChatConnection[] audience;
        synchronized (this) {
            audience = members;
        }
        String frame = codec.encode(new ServerMessage.Typing(user));
        for (ChatConnection member : audience) {
            if (!member.identity().user().equals(user)) {
                member.peer().send(frame);
            }
        }
    }

    NumberedLog.Page<Message> page(Long before, int limit) {
        return log.before(before, limit);
    }

    private void remember(String key, long seq) {
        long firstRetained = log.firstRetained();
        while (!refsBySeq.isEmpty() && refsBySeq.peekFirst().getKey() < firstRetained) {
            refs.remove(refsBySeq.pollFirst().getValue());
        }
        if (key != null) {
            refs.put(key, seq);
            refsBySeq.addLast(Map.entry(seq, key));
        }
    }

    /** For tests: the user ids present, in join order. */
    synchronized List<String> users() {
        return List.copyOf(users.keySet());
    }
}
