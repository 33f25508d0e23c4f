package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Order (section 3.1): with 4 concurrent senders, each of 3 receivers sees 1..N with no gap or duplicate. */
class OrderingStandaloneTest {

    static final int SENDERS = 4;
    static final int RECEIVERS = 3;
    static final int PER_SENDER = 250;
    static final int TOTAL = SENDERS * PER_SENDER;

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.framesPerSecond", "100000", "switchboard.frameBurst", "100000"));

    @Test
    void everyReceiverSeesEveryMessageOnceInSeqOrderWhileFourSendersRace() throws Exception {
        List<WsRecorder> receivers = new ArrayList<>();
        List<WsRecorder> senders = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int r = 0; r < RECEIVERS; r++) {
                receivers.add(server.chat("race-room", "receiver" + r));
            }
            for (int s = 0; s < SENDERS; s++) {
                senders.add(server.chat("race-room", "sender" + s));
            }
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                WsRecorder sender = senders.get(s);
                String name = "sender" + s;
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < PER_SENDER; i++) {
                        sender.send("{\"type\":\"say\",\"text\":\"" + name + ":" + i + "\",\"ref\":\"" + i + "\"}");
                    }
                }, pool));
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            for (WsRecorder receiver : receivers) {
                Map<String, Integer> nextFromSender = new HashMap<>();
                for (long expected = 1; expected <= TOTAL; expected++) {
                    Message message = receiver.await(Message.class);
                    assertEquals(expected, message.seq(), "no gap, no duplicate, in seq order");
                    String[] parts = message.text().split(":");
                    int index = Integer.parseInt(parts[1]);
                    assertEquals(nextFromSender.getOrDefault(parts[0], 0), index, "each sender's messages in its order");
                    nextFromSender.put(parts[0], index + 1);
                }
                assertTrue(receiver.roundTrip().stream().noneMatch(Message.class::isInstance), "nothing after N");
            }
            for (WsRecorder sender : senders) {
                List<Long> acked = new ArrayList<>();
                while (acked.size() < PER_SENDER) {
                    ServerMessage next = sender.next();
                    if (next instanceof Ack ack) {
                        acked.add(ack.seq());
                    }
                }
                for (int i = 1; i < acked.size(); i++) {
                    assertTrue(acked.get(i) > acked.get(i - 1), "a sender's acks rise with its own messages");
                }
            }
        } finally {
            pool.shutdownNow();
            receivers.forEach(WsRecorder::close);
            senders.forEach(WsRecorder::close);
        }
    }
}
