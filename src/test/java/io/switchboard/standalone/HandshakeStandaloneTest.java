package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Presence;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handshake, in the contract's order (section 7): unknown path 404, refused {@code Origin} 403
 * (same-origin default), then after the handshake a missing or invalid guest user 4500, an invalid
 * room name 4502, one connection too many for the user 1008; no {@code welcome} before such a close.
 */
class HandshakeStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.maxConnectionsPerUser", "3"));

    @Test
    void anUnknownPathGets404() {
        assertEquals(404, WsRecorder.refusedStatus(server.ws("/nowhere?user=ann"), Map.of()));
        assertEquals(404, WsRecorder.refusedStatus(server.ws("/chat/a/b?user=ann"), Map.of()));
        assertEquals(404, WsRecorder.refusedStatus(server.ws("/notifications/extra?user=ann"), Map.of()));
    }

    @Test
    void anUnknownPathIsCheckedBeforeTheOrigin() {
        assertEquals(404, WsRecorder.refusedStatus(server.ws("/nowhere?user=ann"),
                Map.of("Origin", "http://evil.example")));
    }

    @Test
    void anOriginOtherThanTheHostIsRefusedWith403() {
        int port = server.port();
        for (String origin : List.of("http://evil.example", "http://127.0.0.1:" + (port + 1), "http://localhost:" + port,
                "null")) {
            assertEquals(403, WsRecorder.refusedStatus(server.ws("/chat/origin-room?user=ann"), Map.of("Origin", origin)),
                    origin);
            assertEquals(403, WsRecorder.refusedStatus(server.ws("/notifications?user=ann"), Map.of("Origin", origin)),
                    origin);
        }
    }

    @Test
    void theOriginIsCheckedBeforeTheIdentity() {
        assertEquals(403, WsRecorder.refusedStatus(server.ws("/chat/origin-room"), Map.of("Origin", "http://evil.example")));
    }

    @Test
    void theSameOriginPassesWhateverItsScheme() {
        for (String origin : List.of("http://127.0.0.1:" + server.port(), "https://127.0.0.1:" + server.port(),
                "HTTP://127.0.0.1:" + server.port())) {
            try (WsRecorder client = WsRecorder.open(server.ws("/chat/origin-room?user=bea"), Map.of("Origin", origin))) {
                client.expect(Welcome.class);
            }
        }
    }

    @Test
    void sameOriginComparesHostAndPortWithDefaultPortsNormalisedAndTheSchemeIgnored() {
        int port = server.port();
        String chat = "/chat/origin-room?user=fin";
        assertEquals(101, RawWebSocket.handshakeStatus(port, chat, "app.example", "http://app.example:80"));
        assertEquals(101, RawWebSocket.handshakeStatus(port, chat, "app.example:80", "http://app.example"));
        assertEquals(101, RawWebSocket.handshakeStatus(port, chat, "app.example", "https://app.example"));
        assertEquals(101, RawWebSocket.handshakeStatus(port, chat, "APP.example:8443", "https://app.EXAMPLE:8443"));
        assertEquals(403, RawWebSocket.handshakeStatus(port, chat, "app.example:8080", "http://app.example"));
        assertEquals(403, RawWebSocket.handshakeStatus(port, chat, "app.example", "http://other.example"));
        assertEquals(403, RawWebSocket.handshakeStatus(port, chat, "app.example", "http://app.example.evil.example"));
    }

    @Test
    void aHandshakeWithoutOriginIsNotRefusedForIt() {
        try (WsRecorder client = WsRecorder.open(server.ws("/notifications?user=bea"))) {
            client.expect(Welcome.class);
        }
    }

    @Test
    void aMissingOrInvalidGuestUserClosesWith4500BeforeAnyWelcome() {
        for (String path : List.of("/chat/auth-room", "/chat/auth-room?user=", "/chat/auth-room?user=bad%20name",
                "/chat/auth-room?user=" + "u".repeat(65), "/notifications", "/notifications?user=%C3%A9")) {
            try (WsRecorder client = WsRecorder.open(server.ws(path))) {
                client.awaitClose(4500);
                assertTrue(client.nothingReceived(), path + " sent a frame before closing");
            }
        }
    }

    @Test
    void aValidGuestUserIsTakenAtItsWord() {
        String user = "A.b_c-d@e" + "x".repeat(55);
        try (WsRecorder client = WsRecorder.open(server.ws("/chat/auth-room?user=" + user))) {
            assertEquals(user, client.expect(Welcome.class).user());
        }
    }

    @Test
    void anInvalidRoomNameClosesWith4502BeforeAnyWelcome() {
        for (String room : List.of("Upper", "-dash-first", "_under", "dot.room", "r".repeat(65), "%C3%A9t%C3%A9", "",
                "a%2Fb", "a%20b")) {
            try (WsRecorder client = WsRecorder.open(server.ws("/chat/" + room + "?user=cid"))) {
                client.awaitClose(4502);
                assertTrue(client.nothingReceived(), room + " sent a frame before closing");
            }
        }
        try (WsRecorder longest = WsRecorder.open(server.ws("/chat/" + "r".repeat(64) + "?user=cid"))) {
            longest.expect(Welcome.class);
        }
    }

    @Test
    void theIdentityIsCheckedBeforeTheRoomName() {
        try (WsRecorder client = WsRecorder.open(server.ws("/chat/Upper"))) {
            client.awaitClose(4500);
        }
    }

    @Test
    void oneConnectionTooManyForAUserClosesWith1008AndLeavesTheOthersAlone() {
        try (WsRecorder watcher = server.chat("crowd-room", "watcher")) {
            WsRecorder tab1 = server.chat("crowd-room", "dee");
            WsRecorder tab2 = server.chat("crowd-room", "dee");
            WsRecorder inbox = server.notifications("dee");
            assertEquals(Presence.join("dee", 2), watcher.expect(Presence.class));

            try (WsRecorder fourthChat = WsRecorder.open(server.ws("/chat/crowd-room?user=dee"));
                 WsRecorder fourthInbox = WsRecorder.open(server.ws("/notifications?user=dee"))) {
                fourthChat.awaitClose(1008);
                fourthInbox.awaitClose(1008);
                assertTrue(fourthChat.nothingReceived(), "no welcome before the close");
                assertTrue(fourthInbox.nothingReceived(), "no welcome before the close");
            }
            try (WsRecorder fourthBadRoom = WsRecorder.open(server.ws("/chat/Bad-Room?user=dee"))) {
                fourthBadRoom.awaitClose(4502); // the name is checked before the count
            }
            watcher.expectNothingPending();
            tab1.expectNothingPending();

            tab1.close();
            tab2.close();
            inbox.close();
            assertEquals(Presence.leave("dee", 1), watcher.expect(Presence.class));
            server.awaitConnections(1);
            try (WsRecorder again = server.chat("crowd-room", "dee")) {
                assertEquals(Presence.join("dee", 2), watcher.expect(Presence.class), "closed connections no longer count");
            }
        }
    }
}
