package io.switchboard.notify;

import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Audience;

/** One user's inbox: a numbered log of their notifications, how far they have read, their open connections. */
final class Inbox extends Feed {

    private final String user;
    /** Guarded by {@code this}, like the audience. Never goes down. */
    private long readUpTo;

    Inbox(String user, NumberedLog<Notification> log, ServerCodec codec) {
        super(log, codec);
        this.user = user;
    }

    @Override
    String topic() {
        return null;
    }

    /** Adds a connection and queues its {@code welcome}; returns the sends to start outside any lock. */
    synchronized Runnable attach(NotifyConnection connection, Long since, String epoch) {
        audience = Audience.with(audience, connection);
        NumberedLog.Recovery<Notification> recovery = log.recover(since, epoch);
        connection.peer().offer(codec.encode(ServerMessage.Welcome.inbox(user, log.latest(), log.epoch(), unread(),
                recovery.recovered(), recovery.items())));
        return () -> connection.peer().flush();
    }

    /** Marks the inbox read up to {@code seq} (clamped to the latest) and tells every connection of the user. */
    void read(NotifyConnection reader, long seq, String ref) {
        NotifyConnection[] receivers;
        synchronized (this) {
            readUpTo = Math.max(readUpTo, Math.min(seq, log.latest()));
            long unread = unread();
            receivers = audience;
            String others = codec.encode(new ServerMessage.Unread(unread, readUpTo, null));
            for (NotifyConnection connection : receivers) {
                connection.peer().offer(connection == reader
                        ? codec.encode(new ServerMessage.Unread(unread, readUpTo, ref)) : others);
            }
        }
        Audience.flush(receivers);
    }

    /** The retained items above {@code readUpTo}. */
    private long unread() {
        return log.latest() - Math.max(readUpTo, log.firstRetained() - 1);
    }
}
