package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.channel.Channel;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.Registry;
import io.switchboard.channel.Store;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.ChannelMeters;
import io.switchboard.ops.Metrics;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import jakarta.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** Users' inboxes and the topics on this node: opening notification connections, and publishing. */
public final class Notifications {

    private final ServerCodec codec;
    private final Limits limits;
    private final Connections connections;
    private final Registry<Inbox> inboxes;
    private final Registry<Topic> topics;

    public Notifications(Store store, ServerCodec codec, Limits limits, Connections connections) {
        this(store, codec, limits, connections, Metrics.disabled());
    }

    public Notifications(Store store, ServerCodec codec, Limits limits, Connections connections, Metrics metrics) {
        LogStore logs = metrics.timed(store.logs());
        this.codec = codec;
        this.limits = limits;
        this.connections = connections;
        NotificationItems items = new NotificationItems(codec);
        this.inboxes = new Registry<>(limits.maxChannels(),
                user -> new Inbox(user, channel("inbox:" + user, logs, items, metrics.channel(Metrics.Kind.INBOX)), store.readMarks(), codec, limits.retention()),
                inbox -> inbox.channel().close());
        this.topics = new Registry<>(limits.maxChannels(),
                name -> new Topic(name, channel("topic:" + name, logs, items, metrics.channel(Metrics.Kind.TOPIC)), codec),
                topic -> topic.channel().close());
    }

    private Channel<Notification> channel(String name, LogStore logs, NotificationItems items, ChannelMeters meters) {
        return new Channel<>(name, logs.open(name, items), items, limits.retention(), limits.recoveryBudget(), meters);
    }

    /** What a publisher sends, before the log numbers it. */
    public record Draft(String id, String title, String body, JsonObject data, String at) {
        Notification toNotification(String topic) {
            return new Notification(id, 0, topic, title, body, data, at);
        }
    }

    /** Opens the user's notification stream: connection count (1008), then the {@code welcome}. */
    public NotifyConnection open(Peer peer, Identity identity, Handshake handshake) {
        NotifyConnection connection = new NotifyConnection(peer, identity, codec, limits, connections, this);
        connections.admit(connection);
        Inbox inbox = inboxes.acquire(identity.user());
        connection.attached(inbox);
        inbox.attach(connection, handshake.since(), handshake.parameter("epoch"));
        return connection;
    }

    /** The user's inbox, held until {@link #release(Inbox)}; for the event stream. */
    Inbox inbox(String user) {
        return inboxes.acquire(user);
    }

    void release(Inbox inbox) {
        inboxes.release(inbox.user(), inbox);
    }

    /** A topic, held until {@link #release(Topic)}; for the event stream. */
    Topic topic(String name) {
        return topics.acquire(name);
    }

    void release(Topic topic) {
        topics.release(topic.name(), topic);
    }

    Limits limits() {
        return limits;
    }

    ServerCodec codec() {
        return codec;
    }

    Connections connections() {
        return connections;
    }

    void closed(NotifyConnection connection, Inbox inbox) {
        inbox.detach(connection);
        inboxes.release(inbox.user(), inbox);
    }

    Topic subscribe(NotifyConnection connection, String topic, Long since, String epoch, String ref) {
        Topic found = topics.acquire(topic);
        found.subscribe(connection, since, epoch, ref);
        return found;
    }

    void unsubscribe(NotifyConnection connection, Topic topic) {
        topic.unsubscribe(connection);
        topics.release(topic.name(), topic);
    }

    /** {@code receivedNanos}: when the publish request arrived ({@link System#nanoTime()}), for {@code switchboard_publish_seconds}. */
    CompletableFuture<Channel.Published<Notification>> publishToUser(String user, Draft draft, long receivedNanos) {
        Inbox inbox = inboxes.acquire(user);
        return inbox.publish(draft.toNotification(null), receivedNanos).whenComplete((published, error) -> inboxes.release(user, inbox));
    }

    CompletableFuture<Channel.Published<Notification>> publishToTopic(String topic, Draft draft, long receivedNanos) {
        Topic found = topics.acquire(topic);
        return found.publish(draft.toNotification(topic), receivedNanos).whenComplete((published, error) -> topics.release(topic, found));
    }
}
