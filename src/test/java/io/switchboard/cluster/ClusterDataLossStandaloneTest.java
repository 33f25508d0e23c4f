package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Protocol section 9 when the grid loses data (memory store): two of three nodes are killed at
 * once, so every ring whose owner and backup were both on them is gone. Each room then either
 * kept its messages under its epoch, or starts a new epoch and says {@code recovered: false}:
 * never does a seq come back under the old epoch with other contents.
 */
class ClusterDataLossStandaloneTest {

    static final int ROOMS = 24;

    @Test
    void aRoomWhoseRingWasLostStartsANewEpochInsteadOfReusingSeqs() throws Exception {
        try (Nodes nodes = new Nodes(3, Nodes.memory())) {
            nodes.awaitFormed();
            List<String> epochs = new ArrayList<>();
            List<WsRecorder> members = new ArrayList<>();
            try {
                for (int r = 0; r < ROOMS; r++) {
                    WsRecorder member = WsRecorder.open(nodes.ws(0, "/chat/loss" + r + "?user=keeper"));
                    epochs.add(member.expect(Welcome.class).epoch());
                    members.add(member);
                    member.send("{\"type\":\"say\",\"text\":\"before\",\"ref\":\"b\"}");
                    assertEquals(1, member.await(Ack.class).seq());
                }
                nodes.processes.get(1).kill();
                nodes.processes.get(2).kill();
                members.forEach(WsRecorder::close);
                // The grid removes a silent member within MAX_SILENT_SECONDS; only then are partitions known lost.
                Thread.sleep(TimeUnit.SECONDS.toMillis(Grid.MAX_SILENT_SECONDS + 2));
                // Until the survivor has noticed the loss, a room may still show its old epoch: look until two passes agree.
                List<Welcome> looks = settled(nodes, epochs);
                int lost = 0;
                for (int r = 0; r < ROOMS; r++) {
                    Welcome welcome = looks.get(r);
                    if (welcome.epoch().equals(epochs.get(r))) {
                        assertEquals(1, welcome.seq(), "loss" + r + " kept its epoch, so it keeps its message");
                        assertEquals(Boolean.TRUE, welcome.recovered());
                    } else {
                        lost++;
                        assertEquals(Boolean.FALSE, welcome.recovered(), "a new epoch is not recovered");
                    }
                }
                assertTrue(lost > 0, "with two of three members gone at once some rings were lost (owner and backup)");
            } finally {
                members.forEach(WsRecorder::close);
            }
        }
    }

    /** Every room's welcome to a client recovering after seq 1 in its first epoch, once two passes 3 s apart agree. */
    private static List<Welcome> settled(Nodes nodes, List<String> epochs) throws InterruptedException {
        List<String> previous = null;
        for (int pass = 0; pass < 20; pass++) {
            List<Welcome> looks = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                try (WsRecorder look = WsRecorder.open(nodes.ws(0, "/chat/loss" + r + "?user=look&since=1&epoch=" + epochs.get(r)))) {
                    looks.add(look.expect(Welcome.class));
                }
            }
            List<String> seen = looks.stream().map(w -> w.epoch() + ":" + w.seq()).toList();
            if (seen.equals(previous)) {
                return looks;
            }
            previous = seen;
            Thread.sleep(3_000);
        }
        throw new AssertionError("the rooms never settled");
    }
}
