package io.switchboard.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.MemoryStore;
import io.switchboard.channel.TestStores;
import io.switchboard.http.PublishKey;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Outbox;
import io.switchboard.transport.Peer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No socket is written under a node-wide lock: a publish stuck in a send holds up no other publish. */
class PublishConcurrencyTest {

    private final Limits limits = Limits.from(Settings.of(Map.of()));
    private final MemoryStore store = TestStores.memory(limits.retention());
    private final Notifications notifications = new Notifications(store, Codec.standard().server(), limits,
            new Connections(limits));
    private final PublishApi api = new PublishApi(notifications, store.publishIds(), new PublishKey("k"), Codec.standard(),
            limits);

    private int post(String user, String id) {
        String body = "{\"user\":\"" + user + "\",\"title\":\"t\",\"id\":\"" + id + "\"}";
        return api.post("Bearer k", "application/json", body.getBytes(StandardCharsets.UTF_8)).status();
    }

    @Test
    void aPublishWhoseSendIsStuckHoldsUpNoOtherPublish() throws Exception {
        StuckPeer stuck = new StuckPeer();
        notifications.open(stuck, new Identity("slow", "slow"), new Handshake(Map.of(), Map.of()));
        stuck.armed = true;
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> post("slow", "first"));
        stuck.entered.await(5, TimeUnit.SECONDS);
        try {
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> post("someone-else", "second"));
            assertEquals(202, second.get(5, TimeUnit.SECONDS), "a publish to another user goes on");
            CompletableFuture<Integer> third = CompletableFuture.supplyAsync(() -> post("someone-else", "second"));
            assertEquals(200, third.get(5, TimeUnit.SECONDS), "and so does a retried id");
        } finally {
            stuck.release.countDown();
        }
        assertEquals(202, first.get(5, TimeUnit.SECONDS));
    }

    /** A peer whose send blocks, as a socket write under a lock would block everyone behind the lock. */
    private static final class StuckPeer implements Peer {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        @Override
        public String id() {
            return "stuck";
        }

        @Override
        public boolean offer(Frame frame) {
            Outbox.needsFlush(this);
            return true;
        }

        @Override
        public void flush() {
            if (armed) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public boolean backlogged() {
            return false;
        }

        @Override
        public void whenDrained(Runnable action) {
            Outbox.run(action);
        }

        @Override
        public void onFailure(Failure action) {
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(CloseCode code, String reason) {
        }
    }
}
