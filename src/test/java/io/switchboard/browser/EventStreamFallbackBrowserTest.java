package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event-stream fallback (issue 13, part 3; contract section 12) in real Chromium: a page whose
 * notification WebSocket cannot open (its address is bent to a path the server does not serve, as
 * a proxy that refuses the upgrade would make it fail) while HTTP works moves to the event stream
 * by itself, says so, and gets its notifications there. Its chat WebSocket is left alone.
 */
class EventStreamFallbackBrowserTest extends BrowserTestBase {

    /** Three failed WebSocket attempts (backoff up to 0.5, 1 and 2 s), the HTTP probe, then the stream. */
    private static final Duration FALLBACK = Duration.ofSeconds(20);

    /** Before any script of the page: notification WebSockets go to an address that answers 404. */
    private static final String BLOCK_NOTIFICATION_SOCKETS = """
            (() => {
              const Original = window.WebSocket;
              window.WebSocket = class extends Original {
                constructor(url, protocols) {
                  const bent = new URL(url, location.href);
                  if (bent.pathname.endsWith('/notifications')) bent.pathname += '-blocked';
                  super(bent.href, protocols);
                }
              };
            })();
            """;

    @AfterEach
    void aCleanBrowser() {
        chromium.closeWindows();
    }

    @Test
    void notificationsMoveToTheEventStreamWhenTheirWebSocketCannotOpen() throws Exception {
        // Its own connections (?shared=0): a shared worker would open the sockets where the page's script cannot reach.
        DemoPage blank = chromium.open("about:blank");
        chromium.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", BLOCK_NOTIFICATION_SOCKETS));
        chromium.driver().get(server.demoPerTab("vera", "fallback"));
        DemoPage vera = blank;

        vera.await("notifications connected over the event stream",
                page -> "connected".equals(page.notifyState())
                        && "eventsource".equals(page.script("return document.querySelector('[data-testid=notify-state]').dataset.transport")),
                FALLBACK);
        assertEquals("Notifications: connected (event stream)", vera.text("notify-state"));
        vera.awaitChatState("connected", DemoPage.WAIT);
        server.awaitConnections(2, DemoPage.WAIT); // the chat WebSocket and the event stream

        assertEquals(202, server.publishTo("vera", "Over the stream", "no WebSocket needed"));
        vera.awaitNotification("Over the stream");
        vera.awaitText("unread-badge", "1");

        vera.markAllRead(); // POST …/read on the stream
        vera.await("the unread badge hidden", page -> !page.visible("unread-badge"), DemoPage.WAIT);
        assertEquals("", vera.text("notify-error"));
        assertEquals("", vera.text("chat-error"));
        chromium.screenshot(vera, "event-stream-fallback");
    }
}
