package io.switchboard.notify;

import io.switchboard.Limits;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.Registry;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import jakarta.json.JsonObject;

/** Users' inboxes and the topics: opening notification connections, and publishing. */
public final class Notifications {

    private final ServerCodec codec;
    private final Limits limits;
    private final Connections connections;
    private final Registry<Inbox> inboxes;
    private final Registry<Topic> topics;

    public Notifications(LogStore logs, ServerCodec codec, Limits limits, Connections connections) {
        this.codec = codec;
        this.limits = limits;
        this.connections = connections;
        this.inboxes = new Registry<>(limits.maxChannels(),
                user -> new Inbox(user, logs.open("inbox:" + user), codec), Inbox::isIdle);
        this.topics = new Registry<>(limits.maxChannels(),
                name -> new Topic(name, logs.open("topic:" + name), codec), Topic::isIdle);
    }

    /** What a publisher sends, before the log numbers it. */
    public record Draft(String id, String title, String body, JsonObject data, String at) {
        Notification toNotification(long seq, String topic) {
            return new Notification(id, seq, topic, title, body, data, at);
        }
    }

    /** Opens the user's notification stream: connection count (1008), then the {@code welcome}. */
    public NotifyConnection open(Peer peer, Identity identity, Handshake handshake) {
        NotifyConnection connection = new NotifyConnection(peer, identity, codec, limits, connections, this);
        connections.admit(connection);
        Long since = handshake.since();
        String epoch = handshake.parameter("epoch");
        try {
            inboxes.with(identity.user(), inbox -> {
                connection.attached(inbox);
                return inbox.attach(connection, since, epoch);
            }).run();
        } catch (Registry.AtCapacity e) {
            connection.closed();
            throw new Refusal(CloseCode.TOO_SLOW, "server at its inbox limit: try again later");
        }
        return connection;
    }

    /** @throws Registry.AtCapacity when every topic the server can hold has subscribers */
    void subscribe(NotifyConnection connection, String topic, Long since, String epoch, String ref) {
        topics.with(topic, found -> found.subscribe(connection, since, epoch, ref)).run();
    }

    void unsubscribe(NotifyConnection connection, String topic) {
        Topic found = topics.find(topic);
        if (found != null) {
            found.remove(connection);
        }
    }

    Feed.Published publishToUser(String user, Draft draft) {
        return inboxes.with(user, inbox -> inbox.publish(draft));
    }

    Feed.Published publishToTopic(String topic, Draft draft) {
        return topics.with(topic, found -> found.publish(draft));
    }
}
