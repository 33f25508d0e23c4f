package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.FrameRejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heartbeat survives a connection whose ping throws. */
class ConnectionsTest {

    private final Limits limits = Limits.from(Settings.of(Map.of("switchboard.pingIntervalMs", "1",
            "switchboard.idleTimeoutMs", "60000")));
    private final Connections connections = new Connections(limits);

    @Test
    void oneConnectionsFailingPingNeitherStopsTheHeartbeatNorTheOthersPings() throws InterruptedException {
        List<String> pinged = new ArrayList<>();
        List<CloseCode> closed = new ArrayList<>();
        Connection broken = connection(new Pinging("broken", () -> {
            throw new IllegalStateException("queue jammed");
        }, closed));
        Connection healthy = connection(new Pinging("healthy", () -> pinged.add("healthy"), closed));
        connections.admit(broken);
        connections.admit(healthy);
        Thread.sleep(5);
        connections.heartbeat();
        assertEquals(List.of("healthy"), pinged);
        assertEquals(List.of(CloseCode.INTERNAL_ERROR), closed, "the broken one is ended, not left half alive");
        Thread.sleep(5);
        connections.heartbeat();
        assertEquals(List.of("healthy", "healthy"), pinged);
    }

    private Connection connection(Peer peer) {
        return new Connection(peer, new Identity(peer.id(), peer.id()), Codec.standard().server(), limits, connections) {
            @Override
            protected void release() {
            }

            @Override
            public void say(ClientMessage.Say say) throws FrameRejected {
            }

            @Override
            public void typing(ClientMessage.Typing typing) {
            }

            @Override
            public void history(ClientMessage.History history) {
            }

            @Override
            public void subscribe(ClientMessage.Subscribe subscribe) {
            }

            @Override
            public void unsubscribe(ClientMessage.Unsubscribe unsubscribe) {
            }

            @Override
            public void read(ClientMessage.Read read) {
            }
        };
    }

    private record Pinging(String id, Runnable onPing, List<CloseCode> closed) implements Peer {
        @Override
        public boolean offer(Frame frame) {
            return true;
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean backlogged() {
            return false;
        }

        @Override
        public void whenDrained(Runnable action) {
        }

        @Override
        public void onFailure(Failure action) {
        }

        @Override
        public void ping() {
            onPing.run();
        }

        @Override
        public void close(CloseCode code, String reason) {
            closed.add(code);
        }
    }
}
