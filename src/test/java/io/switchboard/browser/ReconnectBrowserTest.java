package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server restarts under two open pages, which find their way back by themselves. */
class ReconnectBrowserTest extends BrowserTestBase {

    // The backoff caps a wait at 30 s; after a short outage the next attempt comes much sooner.
    private static final Duration RECONNECT = Duration.ofSeconds(45);

    @Test
    void afterARestartThePagesReconnectShowWhatWasSentAndDeliverAMessageTypedDuringTheOutageOnce() throws Exception {
        DemoPage frank = chromium.open(server.demo("frank", "outage")).awaitConnected();
        DemoPage grace = chromium.open(server.demo("grace", "outage")).awaitConnected();
        frank.say("before the restart");
        grace.awaitMessage("before the restart");

        server.stop();
        frank.awaitChatState("reconnecting", DemoPage.WAIT);
        grace.awaitChatState("reconnecting", DemoPage.WAIT);
        assertTrue(frank.text("connection-state").contains("reconnecting"), frank.text("connection-state"));

        frank.say("typed during the outage");
        assertEquals(List.of("typed during the outage"), frank.pendingTexts(), "shown as waiting to be sent");

        server.startAgain();
        // Someone else talks before the pages are back (or just after: either way they must show it).
        server.say("heidi", "outage", "sent while you were away");

        frank.awaitChatState("connected", RECONNECT);
        grace.awaitChatState("connected", RECONNECT);
        for (DemoPage page : List.of(frank, grace)) {
            page.awaitMessage("typed during the outage").awaitMessage("sent while you were away");
            // The restart began a new epoch: the page says messages may have been lost.
            page.awaitVisible("recovery-notice", true).awaitTextContaining("recovery-text", "server restarted");
        }
        frank.await("no message left waiting", page -> page.pendingTexts().isEmpty(), DemoPage.WAIT);
        // Let any duplicate arrive before counting.
        frank.script("return new Promise(done => setTimeout(done, 1000));");
        for (DemoPage page : List.of(frank, grace)) {
            assertEquals(1L, page.occurrences("typed during the outage"), "delivered exactly once: " + page.messageTexts());
            assertEquals(1L, page.occurrences("sent while you were away"), page.messageTexts().toString());
            assertEquals(1L, page.occurrences("before the restart"), page.messageTexts().toString());
        }
        List<String> log = frank.logLines();
        assertTrue(log.indexOf("before the restart") < log.indexOf("(gap)")
                && log.indexOf("(gap)") < log.indexOf("typed during the outage"), "the gap is marked where it is: " + log);
        grace.awaitText("member-count", "2");
        chromium.screenshot(grace, "after-restart");
    }
}
