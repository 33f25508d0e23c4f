package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one Grizzly internal the lingering close needs; an upgrade that removes it must fail here, not quietly. */
class LingeringCloseTest {

    @Test
    void thisGrizzlyLetsACloseBeHeldOpen() {
        assertTrue(LingeringClose.available(), "org.glassfish.grizzly.nio.NIOConnection.isCloseScheduled is gone: "
                + "WebSocket closes would reset clients that are still sending (see LingeringClose)");
    }
}
