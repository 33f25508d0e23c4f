package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void eachAddressHasItsOwnHandshakeBucket() {
        Admission admission = new Admission(0.001, 2, 1000, 1000, 10, 100);
        assertTrue(admission.handshakeFromAddress("10.0.0.1"));
        assertTrue(admission.handshakeFromAddress("10.0.0.1"));
        assertFalse(admission.handshakeFromAddress("10.0.0.1"));
        assertTrue(admission.handshakeFromAddress("10.0.0.2"));
    }

    @Test
    void aMillionAddressesKeepOnlyTheTrackedNumberOfBuckets() {
        Admission admission = new Admission(0.001, 1, 0.001, 1, 10, 1000);
        for (int i = 0; i < 1_000_000; i++) {
            admission.handshakeFromAddress("a" + i);
            admission.handshakeByUser("u" + i);
        }
        assertEquals(1000, admission.trackedBuckets());
        // The least recently used were forgotten: an old address starts full again, a recent one does not.
        assertTrue(admission.handshakeFromAddress("a0"));
        assertFalse(admission.handshakeFromAddress("a999999"));
    }

    @Test
    void connectionsPerAddressAreCountedAndForgottenAtZero() {
        Admission admission = new Admission(1, 1, 1, 1, 2, 10);
        assertTrue(admission.openFrom("x"));
        assertTrue(admission.openFrom("x"));
        assertFalse(admission.openFrom("x"));
        admission.closedFrom("x");
        assertTrue(admission.openFrom("x"));
        admission.closedFrom("x");
        admission.closedFrom("x");
        assertEquals(0, admission.connectionsFrom("x"));
    }
}
