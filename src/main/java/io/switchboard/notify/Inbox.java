package io.switchboard.notify;

import io.switchboard.channel.Channel;
import io.switchboard.channel.Position;
import io.switchboard.channel.ReadMarks;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Member;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** One user's inbox on this node: a channel of their notifications, how far they have read, their connections here. */
final class Inbox {

    private final String user;
    private final String key;
    private final Channel<Notification> channel;
    private final ReadMarks marks;
    private final ServerCodec codec;
    private final int retention;

    Inbox(String user, Channel<Notification> channel, ReadMarks marks, ServerCodec codec, int retention) {
        this.user = user;
        this.key = "inbox:" + user;
        this.channel = channel;
        this.marks = marks;
        this.codec = codec;
        this.retention = retention;
    }

    String user() {
        return user;
    }

    Channel<Notification> channel() {
        return channel;
    }

    /** Adds a connection: its {@code welcome} with the unread count, what it missed, then the live stream. */
    CompletableFuture<Void> attach(NotifyConnection connection, Long since, String epoch) {
        return attach(connection, since, epoch, welcome -> Frame.of(codec.encode(welcome)));
    }

    /**
     * Adds a member whose first frame {@code render} makes from the {@code welcome} (with the items
     * it carries); the event stream renders it as events.
     */
    CompletableFuture<Void> attach(Member member, Long since, String epoch, Function<ServerMessage.Welcome, Frame> render) {
        return marks.get(key, user).whenComplete((readUpTo, error) -> {
            if (error != null) {
                member.close(io.switchboard.protocol.CloseCode.RECONNECT, "the store cannot be reached: reconnect");
            }
        }).thenCompose(readUpTo -> channel.join(member, since, epoch, () -> { },
                snapshot -> render.apply(ServerMessage.Welcome.inbox(user, snapshot.seq(), snapshot.epoch(),
                        unread(snapshot.seq(), snapshot.firstRetained(), readUpTo), snapshot.recovered(),
                        snapshot.items()))));
    }

    void detach(Member member) {
        channel.leave(member, () -> { });
    }

    /**
     * Marks the inbox read up to {@code seq} (clamped to the latest; never down) and, once that is
     * kept, tells every connection of the user here; the reader's copy carries its {@code ref}.
     */
    void read(NotifyConnection reader, long seq, String ref) {
        mark(seq, reader).thenAccept(unread -> reader.send(new ServerMessage.Unread(unread.count(), unread.readUpTo(), ref)))
                .exceptionally(error -> {
                    reader.send(ServerMessage.Error.of(io.switchboard.protocol.ErrorCode.UNAVAILABLE,
                            "not marked read: retry", ref));
                    return null;
                });
    }

    /**
     * As {@code read}, for a reader that is no connection (the event stream's {@code POST …/read}):
     * every connection of the user here gets {@code unread}; completes with it.
     */
    CompletableFuture<ServerMessage.Unread> read(long seq) {
        return mark(seq, null);
    }

    /** Marks read up to {@code seq} and tells every member but {@code reader}; completes with the new count. */
    private CompletableFuture<ServerMessage.Unread> mark(long seq, Member reader) {
        return channel.position().thenCompose(position -> marks.advance(key, user, Math.min(seq, position.latest()))
                .thenCompose(mark -> channel.position().thenApply(now -> {
                    ServerMessage.Unread unread = new ServerMessage.Unread(unread(now, mark), mark, null);
                    channel.broadcastEverywhere(Frame.of(codec.encode(unread)), member -> member != reader, null);
                    return unread;
                })));
    }

    private long unread(Position position, long readUpTo) {
        return unread(position.latest(), position.firstRetained(retention), readUpTo);
    }

    /** The retained items above {@code readUpTo}. */
    private static long unread(long latest, long firstRetained, long readUpTo) {
        return Math.max(0, latest - Math.max(readUpTo, firstRetained - 1));
    }

    CompletableFuture<Channel.Published<Notification>> publish(Notification draft, long receivedNanos) {
        // Publish ids are kept by PublishIds, one namespace for the server: the log needs no key.
        return channel.publish(draft, null, receivedNanos);
    }
}
