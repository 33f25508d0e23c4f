package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.channel.Names;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.transport.Connection;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One notification connection: the user's inbox plus the topics it subscribed to. */
final class NotifyConnection extends Connection {

    private final Notifications notifications;
    private final int maxTopics;
    /** Topic name to the topic this connection holds; guarded by {@code this}. */
    private final Map<String, Topic> topics = new LinkedHashMap<>();
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
        Topic previous;
        synchronized (this) {
            previous = topics.get(topic);
            if (previous == null && topics.size() >= maxTopics) {
                throw new FrameRejected(ErrorCode.FORBIDDEN, "at most " + maxTopics + " topics per connection",
                        subscribe.ref());
            }
        }
        if (previous != null) {
            // Subscribing again recovers again, as a fresh subscribe would.
            notifications.unsubscribe(this, previous);
        }
        Topic held = notifications.subscribe(this, topic, subscribe.since(), subscribe.epoch(), subscribe.ref());
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = isClosed();
            if (!closedMeanwhile) {
                topics.put(topic, held);
            }
        }
        if (closedMeanwhile) {
            // Closed while subscribing: release() ran before this topic was ours to release.
            notifications.unsubscribe(this, held);
        }
    }

    @Override
    public void unsubscribe(ClientMessage.Unsubscribe unsubscribe) throws FrameRejected {
        String topic = unsubscribe.topic();
        if (!Names.isChannel(topic)) {
            throw new FrameRejected(ErrorCode.INVALID, "invalid topic name", unsubscribe.ref());
        }
        Topic held;
        synchronized (this) {
            held = topics.remove(topic);
        }
        if (held != null) {
            notifications.unsubscribe(this, held);
        }
        send(new ServerMessage.Unsubscribed(unsubscribe.ref(), topic));
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

    @Override
    protected void release() {
        Inbox current = inbox;
        if (current != null) {
            notifications.closed(this, current);
        }
        List<Topic> subscribed;
        synchronized (this) {
            subscribed = List.copyOf(topics.values());
            topics.clear();
        }
        for (Topic topic : subscribed) {
            notifications.unsubscribe(this, topic);
        }
    }
}
