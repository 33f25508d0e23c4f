package io.switchboard.notify;

import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Audience;

/**
 * What an inbox and a topic share: a numbered log of notifications and the connections on this
 * node that receive it. Publishing numbers and queues under the feed's lock, so every connection
 * gets notifications in seq order; sockets are written after the lock is released.
 */
abstract class Feed {

    protected final NumberedLog<Notification> log;
    protected final ServerCodec codec;
    /** Replaced, never changed in place; guarded by {@code this}. */
    protected NotifyConnection[] audience = new NotifyConnection[0];

    Feed(NumberedLog<Notification> log, ServerCodec codec) {
        this.log = log;
        this.codec = codec;
        // What other nodes append reaches this node's connections like a local publish.
        log.onRemoteAppend(this::deliver);
    }

    /** The topic named in this feed's notifications; null for an inbox. */
    abstract String topic();

    final synchronized boolean isIdle() {
        return audience.length == 0;
    }

    final synchronized void remove(NotifyConnection connection) {
        audience = Audience.without(audience, connection);
    }

    /** Stores a notification and queues it to every connection here; returns it and how many took it. */
    final Published publish(Notifications.Draft draft) {
        NotifyConnection[] receivers;
        Published published;
        synchronized (this) {
            Notification notification = log.append(seq -> draft.toNotification(seq, topic()));
            receivers = audience;
            published = new Published(notification, Audience.offer(receivers, codec.encode(notification)));
        }
        Audience.flush(receivers);
        return published;
    }

    /** A notification another node appended. */
    final void deliver(Notification notification) {
        NotifyConnection[] receivers;
        synchronized (this) {
            receivers = audience;
            Audience.offer(receivers, codec.encode(notification));
        }
        Audience.flush(receivers);
    }

    record Published(Notification notification, int delivered) {
    }
}
