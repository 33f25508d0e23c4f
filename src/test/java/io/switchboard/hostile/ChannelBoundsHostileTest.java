package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Subscribed;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.standalone.RunningServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shared bounds that a few users could once use up for everyone (four users filled the topic
 * registry, so every new subscribe was {@code forbidden}), and accepted notifications that were
 * lost when an idle inbox was forgotten. Here the channel bound is made small.
 */
class ChannelBoundsHostileTest {

    private static final Map<String, String> SMALL = Map.of("switchboard.maxChannels", "20",
            "switchboard.maxTopicsPerConnection", "10", "switchboard.frameBurst", "1000",
            "switchboard.framesPerSecond", "1000");

    private final RunningServer server = RunningServer.start(SMALL);
    private final List<WsRecorder> open = new ArrayList<>();

    @AfterEach
    void stop() {
        open.forEach(WsRecorder::close);
        server.close();
    }

    @Test
    void usersHoldingManyTopicsCannotLockOthersOutOfNewTopics() {
        int topic = 0;
        for (String user : List.of("hog1", "hog2")) {
            for (int c = 0; c < 2; c++) {
                WsRecorder hog = server.notifications(user);
                open.add(hog);
                for (int t = 0; t < 10; t++) {
                    hog.send("{\"type\":\"subscribe\",\"topic\":\"hog-" + topic++ + "\"}");
                    hog.expect(Subscribed.class);
                }
            }
        }
        WsRecorder victim = server.notifications("victim");
        open.add(victim);
        victim.send("{\"type\":\"subscribe\",\"topic\":\"brand-new\",\"ref\":\"v\"}");
        assertEquals("brand-new", victim.expect(Subscribed.class).topic(), "40 topics held do not refuse the 41st");
        assertEquals(202, server.publish("{\"topic\":\"another-new\",\"title\":\"t\"}").statusCode());
        assertEquals(202, server.publish("{\"topic\":\"brand-new\",\"title\":\"hello\"}").statusCode());
        assertEquals("hello", victim.expect(Notification.class).title());
    }

    @Test
    void usersHoldingManyRoomsCannotLockOthersOutOfNewRooms() {
        for (int r = 0; r < 30; r++) {
            open.add(server.chat("hogged-" + r, "hog" + (r % 3)));
        }
        try (WsRecorder victim = WsRecorder.open(server.ws("/chat/fresh-room?user=victim"))) {
            assertEquals("fresh-room", victim.expect(Welcome.class).room(), "30 rooms held do not refuse the 31st");
        }
    }

    @Test
    void anAcceptedNotificationIsNeverLostToAnInboxBeingForgotten() {
        for (int u = 0; u < 60; u++) {
            assertEquals(202, server.publish("{\"user\":\"offline-" + u + "\",\"title\":\"for " + u + "\"}").statusCode());
        }
        for (int u = 0; u < 60; u += 7) {
            try (WsRecorder back = WsRecorder.open(server.ws("/notifications?user=offline-" + u))) {
                Welcome welcome = back.expect(Welcome.class);
                assertEquals(List.of("for " + u), welcome.notifications().stream().map(Notification::title).toList());
                assertTrue(welcome.unread() == 1);
            }
        }
    }
}
