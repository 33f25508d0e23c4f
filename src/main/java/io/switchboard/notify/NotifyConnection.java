package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.channel.Names;
import io.switchboard.channel.Registry;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.transport.Connection;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One notification connection: the user's inbox plus the topics it subscribed to. */
final class NotifyConnection extends Connection {

    private final Notifications notifications;
    private final int maxTopics;
    /** Guarded by {@code this}. */
    private final Set<String> topics = new LinkedHashSet<>();
    private volatile Inbox inbox;

    NotifyConnection(Peer peer, Identity identity, ServerCodec codec, Limits limits, Connections registry,
                     Notifications notifications) {
        super(peer, identity, codec, limits, registry);
        this.notifications = notifications;
        this.maxTopics = limits.maxTopicsPerConnection();
    }

    void attached(Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public void subscribe(ClientMessage.Subscribe subscribe) throws FrameRejected {
        String topic = subscribe.topic();
        if (!Names.isChannel(topic)) {
            throw new FrameRejected(ErrorCode.INVALID, "invalid topic name", subscribe.ref());
        }
        if (!identity.access().maySubscribe(topic)) {
            throw new FrameRejected(ErrorCode.FORBIDDEN, "this user may not subscribe to this topic", subscribe.ref());
        }
        synchronized (this) {
            if (!topics.contains(topic) && topics.size() >= maxTopics) {
                throw new FrameRejected(ErrorCode.FORBIDDEN, "at most " + maxTopics + " topics per connection",
                        subscribe.ref());
            }
            topics.add(topic);
        }
        try {
            notifications.subscribe(this, topic, subscribe.since(), subscribe.epoch(), subscribe.ref());
        } catch (Registry.AtCapacity e) {
            forget(topic);
            throw new FrameRejected(ErrorCode.FORBIDDEN, "the server holds no more topics", subscribe.ref());
        }
        if (isClosed()) {
            // Closed while subscribing: release() may have run before the topic had us.
            notifications.unsubscribe(this, topic);
        }
    }

    @Override
    public void unsubscribe(ClientMessage.Unsubscribe unsubscribe) throws FrameRejected {
        String topic = unsubscribe.topic();
        if (!Names.isChannel(topic)) {
            throw new FrameRejected(ErrorCode.INVALID, "invalid topic name", unsubscribe.ref());
        }
        forget(topic);
        notifications.unsubscribe(this, topic);
        reply(new ServerMessage.Unsubscribed(unsubscribe.ref(), topic));
    }

    @Override
    public void read(ClientMessage.Read read) throws FrameRejected {
        if (read.seq() == null) {
            throw new FrameRejected(ErrorCode.INVALID, "'seq' is required", read.ref());
        }
        inbox.read(this, read.seq(), read.ref());
    }

    @Override
    public void say(ClientMessage.Say say) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("say", "the notification stream", say.ref());
    }

    @Override
    public void typing(ClientMessage.Typing typing) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("typing", "the notification stream", null);
    }

    @Override
    public void history(ClientMessage.History history) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("history", "the notification stream", history.ref());
    }

    private synchronized void forget(String topic) {
        topics.remove(topic);
    }

    @Override
    protected void release() {
        Inbox current = inbox;
        if (current != null) {
            current.remove(this);
        }
        List<String> subscribed;
        synchronized (this) {
            subscribed = List.copyOf(topics);
            topics.clear();
        }
        for (String topic : subscribed) {
            notifications.unsubscribe(this, topic);
        }
    }
}
