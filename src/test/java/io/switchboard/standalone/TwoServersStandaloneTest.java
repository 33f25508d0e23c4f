package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.channel.DelayedSharedStore;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two standalone servers in one JVM, each registered with its own configurator over real sockets,
 * sharing a store that announces each node's items to the other late, on another thread, out of
 * order: concurrent senders on both nodes and joins racing the traffic, and every member on both
 * nodes still sees one total order with no gap and no duplicate.
 */
class TwoServersStandaloneTest {

    private static final int SENDERS_PER_NODE = 2;
    private static final int MESSAGES_PER_SENDER = 60;
    private static final int TOTAL = 2 * SENDERS_PER_NODE * MESSAGES_PER_SENDER;
    private static final Map<String, String> FAST = Map.of("switchboard.framesPerSecond", "10000",
            "switchboard.frameBurst", "10000");

    private final DelayedSharedStore cluster = new DelayedSharedStore(1000, 5, 0);
    private final RunningServer a = RunningServer.start(FAST, cluster.node());
    private final RunningServer b = RunningServer.start(FAST, cluster.node());
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        a.close();
        b.close();
    }

    @Test
    void eachServerHasItsOwnState() {
        try (WsRecorder onA = a.chat("own-room", "alice")) {
            b.awaitConnections(0);
            a.awaitConnections(1);
        }
    }

    @Test
    void everyMemberOnBothNodesSeesOneTotalOrderWhileSendersOnBothAndJoinersRace() throws Exception {
        List<WsRecorder> members = new ArrayList<>();
        List<Long> welcomeSeqs = new ArrayList<>();
        for (RunningServer node : List.of(a, b)) {
            for (int i = 0; i < 2; i++) {
                WsRecorder member = WsRecorder.open(node.ws("/chat/order?user=m" + members.size()));
                welcomeSeqs.add(member.expect(Welcome.class).seq());
                members.add(member);
            }
        }
        List<Future<?>> senders = new ArrayList<>();
        for (RunningServer node : List.of(a, b)) {
            for (int s = 0; s < SENDERS_PER_NODE; s++) {
                String user = "sender-" + node.port() + "-" + s;
                senders.add(threads.submit(() -> {
                    try (WsRecorder sender = WsRecorder.open(node.ws("/chat/order?user=" + user))) {
                        sender.expect(Welcome.class);
                        for (int n = 0; n < MESSAGES_PER_SENDER; n++) {
                            sender.send("{\"type\":\"say\",\"text\":\"" + user + " " + n + "\",\"ref\":\"" + n + "\"}");
                            sender.await(Ack.class);
                        }
                    }
                    return null;
                }));
            }
        }
        // Joiners race the traffic on both nodes: each must continue exactly from its welcome.
        List<WsRecorder> joiners = new ArrayList<>();
        List<Welcome> joinerWelcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RunningServer node = i % 2 == 0 ? a : b;
            Thread.sleep(30);
            WsRecorder joiner = WsRecorder.open(node.ws("/chat/order?user=j" + i));
            joinerWelcomes.add(joiner.expect(Welcome.class));
            joiners.add(joiner);
        }
        for (Future<?> sender : senders) {
            sender.get(60, TimeUnit.SECONDS);
        }
        for (int i = 0; i < members.size(); i++) {
            assertEquals(LongStream.rangeClosed(welcomeSeqs.get(i) + 1, TOTAL).boxed().toList(), seqs(members.get(i), TOTAL),
                    "member " + i);
        }
        for (int i = 0; i < joiners.size(); i++) {
            Welcome welcome = joinerWelcomes.get(i);
            List<Long> seen = new ArrayList<>(welcome.messages().stream().map(Message::seq).toList());
            assertTrue(seen.isEmpty() || seen.get(seen.size() - 1) <= welcome.seq());
            long from = seen.isEmpty() ? welcome.seq() + 1 : seen.get(seen.size() - 1) + 1;
            List<Long> after = seqs(joiners.get(i), TOTAL);
            assertEquals(LongStream.rangeClosed(from, TOTAL).boxed().toList(), after, "joiner " + i + " after " + welcome.seq());
        }
        members.forEach(WsRecorder::close);
        joiners.forEach(WsRecorder::close);
    }

    /** The seqs of the messages {@code member} receives until it has seen {@code last}. */
    private static List<Long> seqs(WsRecorder member, long last) {
        List<Long> seqs = new ArrayList<>();
        while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < last) {
            ServerMessage frame = member.next();
            if (frame instanceof Message message) {
                seqs.add(message.seq());
            }
        }
        return seqs;
    }
}
