package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Settings;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bus between two real Hazelcast members in this JVM: messages cross, and a sender that starts over is not taken for lost messages. */
class BusTest {

    private static Grid member(int port, int[] ports, String name) {
        return Grid.embedded(Settings.of(Map.of(
                "switchboard.cluster.port", Integer.toString(port),
                "switchboard.cluster.members", "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1],
                "switchboard.cluster.name", name)));
    }

    @Test
    void aBusStartedAgainOnTheSameMemberIsHeardAsRestartedNotAsLostMessages() throws Exception {
        int[] ports = Nodes.freePorts(2);
        String name = "bus-" + ports[0];
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (Grid one = member(ports[0], ports, name); Grid two = member(ports[1], ports, name)) {
            Bus receiving = new Bus(one);
            receiving.start(new Bus.Receiver() {
                @Override
                public void received(int topic, UUID origin, byte kind, List<String> fields) {
                    heard.add("received " + fields.get(1));
                }

                @Override
                public void lost(int topic, UUID origin) {
                    heard.add("lost");
                }

                @Override
                public void restarted(UUID origin) {
                    heard.add("restarted");
                }
            });
            Bus first = new Bus(two);
            first.start(quiet());
            for (int i = 1; i <= 3; i++) {
                first.send(0, Bus.ANNOUNCE, "room:x", "a" + i);
            }
            for (int i = 1; i <= 3; i++) {
                assertEquals("received a" + i, heard.poll(10, TimeUnit.SECONDS));
            }
            first.close();

            Bus again = new Bus(two); // as a redeployed WAR on the same member: its numbers start at 1
            again.start(quiet());
            again.send(0, Bus.ANNOUNCE, "room:x", "b1");
            assertEquals("restarted", heard.poll(10, TimeUnit.SECONDS));
            assertEquals("received b1", heard.poll(10, TimeUnit.SECONDS));
            again.send(0, Bus.ANNOUNCE, "room:x", "b2");
            assertEquals("received b2", heard.poll(10, TimeUnit.SECONDS));
            again.heartbeat();
            Thread.sleep(500);
            assertTrue(heard.isEmpty(), "nothing taken for lost: " + heard);
            again.close();
            receiving.close();
        }
    }

    private static Bus.Receiver quiet() {
        return new Bus.Receiver() {
            @Override
            public void received(int topic, UUID origin, byte kind, List<String> fields) {
            }

            @Override
            public void lost(int topic, UUID origin) {
            }

            @Override
            public void restarted(UUID origin) {
            }
        };
    }
}
