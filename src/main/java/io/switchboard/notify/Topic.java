package io.switchboard.notify;

import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Audience;

/** A topic: a numbered log shared by its subscribers. */
final class Topic {

    private final String name;
    private final NumberedLog<Notification> log;
    private final ServerCodec codec;
    /** Guarded by {@code this}. */
    private NotifyConnection[] subscribers = new NotifyConnection[0];

    Topic(String name, NumberedLog<Notification> log, ServerCodec codec) {
        this.name = name;
        this.log = log;
        this.codec = codec;
    }

    synchronized boolean isIdle() {
        return subscribers.length == 0;
    }

    /** Adds a subscriber and queues its {@code subscribed}; returns the sends to start outside any lock. */
    synchronized Runnable subscribe(NotifyConnection connection, Long since, String epoch, String ref) {
        subscribers = Audience.with(subscribers, connection);
        NumberedLog.Recovery<Notification> recovery = log.recover(since, epoch);
        connection.peer().offer(codec.encode(new ServerMessage.Subscribed(ref, name, log.latest(), log.epoch(),
                Boolean.TRUE.equals(recovery.recovered()), recovery.items())));
        return () -> connection.peer().flush();
    }

    synchronized void unsubscribe(NotifyConnection connection) {
        subscribers = Audience.without(subscribers, connection);
    }

    Inbox.Published publish(Notifications.Draft draft) {
        NotifyConnection[] audience;
        Inbox.Published published;
        synchronized (this) {
            Notification notification = log.append(seq -> draft.toNotification(seq, name));
            audience = subscribers;
            published = new Inbox.Published(notification, Audience.offer(audience, codec.encode(notification)));
        }
        Audience.flush(audience);
        return published;
    }
}
