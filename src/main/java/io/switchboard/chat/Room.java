package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Failures;
import io.switchboard.channel.Presence;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.transport.Frame;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat room on this node: its {@link Channel} of messages, presence counted per user, typing.
 * Presence changes are offered under the channel's lock, so every member sees them in a consistent
 * place among the messages.
 */
final class Room {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());
    static final int MAX_LISTED_MEMBERS = 100;

    private final String name;
    private final String key;
    private final Channel<Message> channel;
    private final Presence presence;
    private final ServerCodec codec;
    private final Limits limits;

    Room(String name, Channel<Message> channel, Presence presence, ServerCodec codec, Limits limits) {
        this.name = name;
        this.key = "room:" + name;
        this.channel = channel;
        this.presence = presence;
        this.codec = codec;
        this.limits = limits;
    }

    String name() {
        return name;
    }

    Channel<Message> channel() {
        return channel;
    }

    /** Adds a member: {@code join} to the others on the user's first connection, then its {@code welcome} and what it missed. */
    void join(ChatConnection connection, Long since, String epoch) {
        String user = connection.user();
        channel.join(connection, since, epoch, () -> {
            Presence.Change change = presence.join(key, user, connection.peer().id());
            if (change.changed()) {
                channel.broadcast(frame(ServerMessage.Presence.join(user, change.count())), member -> member != connection);
            }
        }, snapshot -> frame(ServerMessage.Welcome.chat(name, user, presence.count(key),
                presence.users(key, MAX_LISTED_MEMBERS), snapshot.seq(), snapshot.epoch(), snapshot.recovered(),
                snapshot.items())));
    }

    /** Removes a member: {@code leave} to the others when it was the user's last connection. */
    void leave(ChatConnection connection) {
        String user = connection.user();
        channel.leave(connection, () -> {
            Presence.Change change = presence.leave(key, user, connection.peer().id());
            if (change.changed()) {
                channel.broadcast(frame(ServerMessage.Presence.leave(user, change.count())), member -> true);
            }
        });
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
        channel.broadcast(frame(new ServerMessage.Typing(user)), member -> !member.user().equals(user));
    }

    private Frame frame(ServerMessage message) {
        return Frame.of(codec.encode(message));
    }
}
