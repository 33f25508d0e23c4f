package io.switchboard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.protocol.Refusal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuestAuthenticatorTest {

    private final GuestAuthenticator guests = new GuestAuthenticator();

    private static Handshake from(String address) {
        return new Handshake(Map.of("user", List.of("alice")), Map.of(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    void loopbackGuestsAreTakenAtTheirWord(String address) {
        Identity alice = guests.authenticate(from(address));
        assertEquals("alice", alice.user());
        assertEquals("alice", alice.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.7", "192.168.1.2", "2001:db8::1", "::ffff:10.0.0.1", "128.0.0.1"})
    void guestsFromTheNetworkAre4500(String address) {
        assertEquals(4500, assertThrows(Refusal.class, () -> guests.authenticate(from(address))).code().code());
    }

    @Test
    void aGuestWhoseAddressTheContainerDidNotTellIs4500() {
        assertEquals(4500, assertThrows(Refusal.class, () -> guests.authenticate(from(null))).code().code());
        assertEquals(4500, assertThrows(Refusal.class,
                () -> guests.authenticate(from(Handshake.UNKNOWN_ADDRESS))).code().code());
    }

    @Test
    void aMissingOrInvalidUserIs4500() {
        assertEquals(4500, assertThrows(Refusal.class,
                () -> guests.authenticate(new Handshake(Map.of(), Map.of(), "127.0.0.1"))).code().code());
        assertEquals(4500, assertThrows(Refusal.class, () -> guests.authenticate(
                new Handshake(Map.of("user", List.of("a b")), Map.of(), "127.0.0.1"))).code().code());
    }
}
