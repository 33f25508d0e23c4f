package io.switchboard.notify;

import io.switchboard.channel.NumberedLog;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Audience;

/** A topic: a numbered log shared by its subscribers. */
final class Topic extends Feed {

    private final String name;

    Topic(String name, NumberedLog<Notification> log, ServerCodec codec) {
        super(log, codec);
        this.name = name;
    }

    @Override
    String topic() {
        return name;
    }

    /** Adds a subscriber and queues its {@code subscribed}; returns the sends to start outside any lock. */
    synchronized Runnable subscribe(NotifyConnection connection, Long since, String epoch, String ref) {
        audience = Audience.with(audience, connection);
        NumberedLog.Recovery<Notification> recovery = log.recover(since, epoch);
        connection.peer().offer(codec.encode(new ServerMessage.Subscribed(ref, name, log.latest(), log.epoch(),
                Boolean.TRUE.equals(recovery.recovered()), recovery.items())));
        return () -> connection.peer().flush();
    }
}
