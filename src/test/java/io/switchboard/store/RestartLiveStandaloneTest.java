package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** After a restart, a room that already holds messages goes on live: the first new message follows the welcome without a gap. */
class RestartLiveStandaloneTest {

    static final int MEMBERS = 100;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theFirstMessagesAfterARestartReachTheMembersWithoutAGap(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind, tmp)) {
            Map<String, String> settings = new HashMap<>(StoreCrashTest.childSettings(db));
            settings.put("switchboard.framesPerSecond", "10000");
            settings.put("switchboard.frameBurst", "10000");
            settings.put("switchboard.handshakesPerSecondPerAddress", "100000");
            settings.put("switchboard.handshakeBurstPerAddress", "100000");
            try (RunningServer first = RunningServer.start(settings);
                 WsRecorder alice = first.chat("again", "alice")) {
                for (int i = 1; i <= 60; i++) {
                    alice.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"" + i + "\"}");
                }
                String last = "60";
                alice.await(Ack.class, a -> last.equals(a.ref()));
            }
            java.util.List<WsRecorder> members = new java.util.ArrayList<>();
            try (RunningServer second = RunningServer.start(settings)) {
                java.util.List<java.util.concurrent.CompletableFuture<WsRecorder>> opening = new java.util.ArrayList<>();
                for (int m = 0; m < MEMBERS; m++) {
                    String user = "m" + m;
                    opening.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> WsRecorder.open(second.ws("/chat/again?user=" + user))));
                }
                for (var f : opening) {
                    WsRecorder member = f.join();
                    members.add(member);
                    assertEquals(60, member.await(Welcome.class).seq());
                }
                WsRecorder alice = members.get(0);
                for (int i = 61; i <= 100; i++) {
                    alice.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"" + i + "\"}");
                }
                for (WsRecorder member : members) {
                    for (long seq = 61; seq <= 100; seq++) {
                        assertEquals(seq, member.await(Message.class).seq(), "no gap after the welcome");
                    }
                }
            } finally {
                members.forEach(WsRecorder::close);
            }
        }
    }
}
