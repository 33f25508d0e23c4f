package io.switchboard.notify;

import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Audience;

/** One user's inbox: a numbered log of their notifications, how far they have read, their open connections. */
final class Inbox {

    private final String user;
    private final NumberedLog<Notification> log;
    private final ServerCodec codec;
    /** Guarded by {@code this}, like {@link #connections}. Never goes down. */
    private long readUpTo;
    private NotifyConnection[] connections = new NotifyConnection[0];

    Inbox(String user, NumberedLog<Notification> log, ServerCodec codec) {
        this.user = user;
        this.log = log;
        this.codec = codec;
    }

    synchronized boolean isIdle() {
        return connections.length == 0;
    }

    /** Adds a connection and queues its {@code welcome}; returns the sends to start outside any lock. */
    synchronized Runnable attach(NotifyConnection connection, Long since, String epoch) {
        connections = Audience.with(connections, connection);
        NumberedLog.Recovery<Notification> recovery = log.recover(since, epoch);
        connection.peer().offer(codec.encode(ServerMessage.Welcome.inbox(user, log.latest(), log.epoch(), unread(),
                recovery.recovered(), recovery.items())));
        return () -> connection.peer().flush();
    }

    synchronized void detach(NotifyConnection connection) {
        connections = Audience.without(connections, connection);
    }

    /** Stores a notification and sends it to every open connection of the user; returns it and how many took it. */
    Published publish(Notifications.Draft draft) {
        NotifyConnection[] audience;
        Published published;
        synchronized (this) {
            Notification notification = log.append(seq -> draft.toNotification(seq, null));
            audience = connections;
            published = new Published(notification, Audience.offer(audience, codec.encode(notification)));
        }
        Audience.flush(audience);
        return published;
    }

    /** Marks the inbox read up to {@code seq} (clamped to the latest) and tells every connection of the user. */
    void read(NotifyConnection reader, long seq, String ref) {
        NotifyConnection[] audience;
        long unread;
        long upTo;
        synchronized (this) {
            readUpTo = Math.max(readUpTo, Math.min(seq, log.latest()));
            unread = unread();
            upTo = readUpTo;
            audience = connections;
            String others = codec.encode(new ServerMessage.Unread(unread, upTo, null));
            for (NotifyConnection connection : audience) {
                connection.peer().offer(connection == reader
                        ? codec.encode(new ServerMessage.Unread(unread, upTo, ref)) : others);
            }
        }
        Audience.flush(audience);
    }

    /** The retained items above {@code readUpTo}. */
    private long unread() {
        return log.latest() - Math.max(readUpTo, log.firstRetained() - 1);
    }

    record Published(Notification notification, int delivered) {
    }
}
