package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read receipts (issue 13, part 2; contract section 11) in real Chromium: a message bob says is
 * shown to alice, whose page is visible and focused, so her page marks it read; bob's page then
 * says "Seen by alice" under it, live.
 */
class ReceiptsBrowserTest extends BrowserTestBase {

    /** Receipts leave at most 1 s apart and within 2 s of the read: 5 s is room for the page to read. */
    private static final Duration SEEN = Duration.ofSeconds(5);

    @AfterEach
    void aCleanBrowser() {
        chromium.closeWindows();
    }

    @Test
    void bobSeesThatAliceReadHisMessages() throws Exception {
        DemoPage alice = chromium.open(server.demo("alice", "receipts")).awaitConnected();
        DemoPage bob = chromium.open(server.demo("bob", "receipts")).awaitConnected();

        for (String text : List.of("hi alice", "are you there?", "lunch at noon")) {
            bob.say(text);
            bob.awaitMessage(text);
        }
        alice.focus();
        // Only a page that is visible and has the focus marks messages read. Headless windows all
        // say they have none, so alice's says it has, as the window in front would.
        chromium.driver().executeCdpCommand("Emulation.setFocusEmulationEnabled", Map.of("enabled", true));
        alice.awaitMessage("lunch at noon");
        assertEquals(true, alice.script("return document.visibilityState === 'visible' && document.hasFocus()"));

        bob.await("\"Seen by alice\" under bob's last message",
                page -> "Seen by alice".equals(page.script(
                        "const all = document.querySelectorAll('[data-testid=message]');"
                                + "const last = all[all.length - 1];"
                                + "return last ? last.querySelector('[data-testid=seen-by]').textContent : null;")),
                SEEN);
        assertEquals(List.of("Seen by alice", "Seen by alice", "Seen by alice"), bob.script(
                "return [...document.querySelectorAll('[data-testid=message] [data-testid=seen-by]')].map(e => e.textContent)"));
        // Alice's own page names no reader of her own reading, and neither page shows an error.
        assertEquals("", alice.text("chat-error"));
        assertEquals("", bob.text("chat-error"));

        Path shot = chromium.screenshot(bob, "receipts");
        Files.copy(shot, Path.of("target", "receipts.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
