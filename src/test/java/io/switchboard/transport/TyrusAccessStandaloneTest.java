package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.standalone.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Tyrus internal we reach by reflection is still where {@link TyrusAccess} looks: an upgrade
 * that moves one fails here, loudly, instead of silently losing the hard close or the address.
 */
class TyrusAccessStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    @Test
    void theWriterPathAndTheGrizzlyConnectionAreWhereTyrusAccessLooks() {
        try (WsRecorder client = server.chat("tyrus-room", "ted")) {
            SessionPeer peer = (SessionPeer) server.switchboard().transport().connections().snapshot().get(0).peer();
            assertNotNull(TyrusAccess.writer(peer.session()), "TyrusRemoteEndpoint.webSocket -> protocolHandler -> writer");
            assertNotNull(TyrusAccess.grizzlyConnection(peer.session()), "GrizzlyWriter.connection");
            assertEquals("127.0.0.1", peer.remoteAddress(), "RequestContext.getRemoteAddr()");
        }
    }

    @Test
    void aHardCloseCutsTheSocketAtOnce() {
        try (WsRecorder client = server.chat("tyrus-cut", "ted")) {
            SessionPeer peer = (SessionPeer) server.switchboard().transport().connections().snapshot().get(0).peer();
            assertTrue(TyrusAccess.hardClose(peer.session()));
            client.awaitClose();
        }
    }
}
