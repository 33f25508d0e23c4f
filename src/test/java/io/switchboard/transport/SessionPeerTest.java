package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outgoing queue over a session whose sends we control: failures, pings, closes. */
class SessionPeerTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** What the session was asked to do, in order. */
    private final List<String> wire = new ArrayList<>();
    /** Sends not yet completed; a test completes them. */
    private final List<SendHandler> inFlight = new ArrayList<>();
    private RuntimeException sendThrows;
    private Error sendErrors;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Session session() {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendText" -> {
                            if (sendErrors != null) {
                                throw sendErrors;
                            }
                            if (sendThrows != null) {
                                throw sendThrows;
                            }
                            wire.add("text " + args[0]);
                            inFlight.add((SendHandler) args[1]);
                        }
                        case "sendPing" -> wire.add("ping");
                        default -> {
                        }
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "s1";
                    case "isOpen" -> true;
                    case "close" -> {
                        wire.add("close " + ((CloseReason) args[0]).getCloseCode().getCode());
                        yield null;
                    }
                    default -> null;
                });
    }

    private SessionPeer peer(int maxQueued) {
        return new SessionPeer(session(), "127.0.0.1", maxQueued, scheduler, 60_000);
    }

    private void completeOne() {
        inFlight.remove(0).onResult(new SendResult());
    }

    @Test
    void anErrorThrownByTheContainersSendEndsThisConnectionAndEscapesNothing() {
        SessionPeer peer = peer(1000);
        List<CloseCode> failures = new ArrayList<>();
        peer.onFailure((code, reason) -> failures.add(code));
        sendErrors = new Error("unencodable text");
        peer.offer(Frame.of("a")); // flushed at once: no scope is open
        assertEquals(List.of(CloseCode.INTERNAL_ERROR), failures);
        sendErrors = null;
        peer.offer(Frame.of("b"));
        assertEquals(List.of(CloseCode.INTERNAL_ERROR), failures, "a failure is handled once");
    }

    @Test
    void aFailedSendResultEndsTheConnectionInsteadOfMarkingThePeerClosedSilently() {
        SessionPeer peer = peer(1000);
        List<CloseCode> failures = new ArrayList<>();
        peer.onFailure((code, reason) -> failures.add(code));
        peer.offer(Frame.of("a"));
        inFlight.remove(0).onResult(new SendResult(new java.io.IOException("reset")));
        assertEquals(List.of(CloseCode.INTERNAL_ERROR), failures);
    }

    @Test
    void aPingWaitsForTheFrameInFlight() {
        SessionPeer peer = peer(1000);
        peer.offer(Frame.of("a"));
        peer.ping();
        peer.offer(Frame.of("b"));
        assertEquals(List.of("text a"), wire, "nothing overlaps the send in flight");
        completeOne();
        assertEquals(List.of("text a", "ping", "text b"), wire);
    }

    @Test
    void aCloseGoesAfterTheRepliesQueuedBeforeIt() {
        SessionPeer peer = peer(1000);
        peer.offer(Frame.of("a"));
        peer.offer(Frame.of("last reply"));
        peer.close(CloseCode.POLICY, "flooding");
        assertFalse(peer.offer(Frame.of("after")), "nothing is queued after a close");
        completeOne();
        completeOne();
        assertEquals(List.of("text a", "text last reply", "close 1008"), wire);
    }

    @Test
    void anOverflowDropsTheQueueAndFailsWith1013() {
        SessionPeer peer = peer(10);
        List<CloseCode> failures = new ArrayList<>();
        peer.onFailure((code, reason) -> {
            failures.add(code);
            peer.close(code, reason);
        });
        Outbox.run(() -> {
            peer.offer(Frame.of("12345678"));
            assertFalse(peer.offer(Frame.of("12345678")));
        });
        assertEquals(List.of(CloseCode.TOO_SLOW), failures);
        assertEquals(List.of("close 1013"), wire, "the queued frame is dropped: the client recovers with since");
        assertNull(inFlight.isEmpty() ? null : inFlight.get(0));
    }
}
