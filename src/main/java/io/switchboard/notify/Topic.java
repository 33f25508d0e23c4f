package io.switchboard.notify;

import io.switchboard.channel.Channel;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Frame;
import java.util.concurrent.CompletableFuture;

/** A topic on this node: a channel of notifications shared by its subscribers. */
final class Topic {

    private final String name;
    private final Channel<Notification> channel;
    private final ServerCodec codec;

    Topic(String name, Channel<Notification> channel, ServerCodec codec) {
        this.name = name;
        this.channel = channel;
        this.codec = codec;
    }

    String name() {
        return name;
    }

    Channel<Notification> channel() {
        return channel;
    }

    /** Adds a subscriber: its {@code subscribed} with what it missed, then the live stream. */
    CompletableFuture<Void> subscribe(NotifyConnection connection, Long since, String epoch, String ref) {
        return channel.join(connection, since, epoch, () -> { },
                snapshot -> Frame.of(codec.encode(new ServerMessage.Subscribed(ref, name, snapshot.seq(), snapshot.epoch(),
                        Boolean.TRUE.equals(snapshot.recovered()), snapshot.items()))));
    }

    void unsubscribe(NotifyConnection connection) {
        channel.leave(connection, () -> { });
    }

    CompletableFuture<Channel.Published<Notification>> publish(Notification draft, long receivedNanos) {
        return channel.publish(draft, null, receivedNanos);
    }
}
