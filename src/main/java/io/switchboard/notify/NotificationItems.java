package io.switchboard.notify;

import io.switchboard.channel.Items;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Notification;

/** Notifications as log items: stored as their {@code notification} frame. */
final class NotificationItems implements Items<Notification> {

    private final ServerCodec codec;

    NotificationItems(ServerCodec codec) {
        this.codec = codec;
    }

    @Override
    public long seq(Notification item) {
        return item.seq();
    }

    @Override
    public Notification withSeq(Notification item, long seq) {
        return new Notification(item.id(), seq, item.topic(), item.title(), item.body(), item.data(), item.at());
    }

    /** The publish API answers {@code delivered}, counted over every node. */
    @Override
    public boolean countsDeliveries() {
        return true;
    }

    @Override
    public String json(Notification item) {
        return codec.encode(item);
    }

    @Override
    public Notification parse(String json) {
        return (Notification) codec.decode(json);
    }
}
