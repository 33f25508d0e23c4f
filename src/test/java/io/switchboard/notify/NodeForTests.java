package io.switchboard.notify;

import io.switchboard.FakePeer;
import io.switchboard.Limits;
import io.switchboard.channel.Store;
import io.switchboard.http.PublishKey;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.Codec;
import io.switchboard.transport.Connections;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One node's notification side, for tests in other packages that run several nodes. */
public final class NodeForTests {

    private final Notifications notifications;
    private final PublishApi api;

    public NodeForTests(Store store, Limits limits) {
        this.notifications = new Notifications(store, Codec.standard().server(), limits, new Connections(limits));
        this.api = new PublishApi(notifications, store.publishIds(), new PublishKey("k"), Codec.standard(), limits);
    }

    public void open(String user, FakePeer peer) {
        notifications.open(peer, new Identity(user, user), new Handshake(Map.of(), Map.of()));
    }

    public void publishTo(String user, String title) {
        String body = "{\"user\":\"" + user + "\",\"title\":\"" + title + "\"}";
        int status = api.post("Bearer k", "application/json", body.getBytes(StandardCharsets.UTF_8)).status();
        if (status != 202) {
            throw new AssertionError("publish answered " + status);
        }
    }
}
