package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection for all tabs (issue 13, part 1) in real Chromium: the tabs of one user share one
 * notification socket and one chat socket per room through the SharedWorker, and the server's
 * connection count proves it.
 */
class SharedWorkerBrowserTest extends BrowserTestBase {

    // The backoff caps a wait at 30 s; after a short outage the next attempt comes much sooner.
    private static final Duration RECONNECT = Duration.ofSeconds(45);
    // A closed tab says so on pagehide; one that cannot is found by the worker's heartbeat (20 s).
    private static final Duration RELEASE = Duration.ofSeconds(40);

    @AfterEach
    void aCleanBrowserAndNoConnectionLeft() throws Exception {
        chromium.closeWindows();
        server.awaitConnections(0, RELEASE);
    }

    @Test
    void threeTabsOfOneUserShareOneSocketPerChannelAndClosingThemOneByOneKeepsTheRestWorking() throws Exception {
        openBlankWindow(); // the browser stays open when the last tab of the demo closes
        List<DemoPage> tabs = openTabs(3, server.demo("tess", "shared"));
        assertEquals(true, tabs.get(0).script("return typeof SharedWorker === 'function'"), "headless Chromium has SharedWorker");
        for (DemoPage tab : tabs) {
            assertEquals("worker", tab.clientMode(), "the page shares the worker's connections");
        }
        server.awaitConnections(2, DemoPage.WAIT); // one chat socket for the room, one notification socket
        assertEquals(2, server.connections());

        tabs.get(1).say("from the second tab");
        server.say("ursula", "shared", "hello, three tabs");
        assertEquals(202, server.publishTo("tess", "For every tab", ""));
        for (DemoPage tab : tabs) {
            tab.awaitMessage("from the second tab").awaitMessage("hello, three tabs").awaitNotification("For every tab");
        }
        server.awaitConnections(2, DemoPage.WAIT); // ursula has gone again

        for (int closed = 1; closed < 3; closed++) {
            tabs.get(closed - 1).close();
            List<DemoPage> left = tabs.subList(closed, 3);
            // Give the worker time to react to the pagehide; the sockets must still be there.
            left.get(0).script("return new Promise(done => setTimeout(done, 1000));");
            assertEquals(2, server.connections(), "after closing " + closed + " of 3 tabs");
            String text = "to the " + left.size() + " tabs left";
            server.say("ursula", "shared", text);
            assertEquals(202, server.publishTo("tess", text, ""));
            left.get(left.size() - 1).say("typed with " + left.size() + " tabs left");
            for (DemoPage tab : left) {
                tab.awaitConnected().awaitMessage(text).awaitNotification(text).awaitMessage("typed with " + left.size() + " tabs left");
                assertEquals(1L, tab.occurrences(text), tab.messageTexts().toString());
                // The demo marks what it shows read; a server without receipts yet must not make that an error.
                assertEquals("", tab.text("chat-error"));
            }
            server.awaitConnections(2, DemoPage.WAIT);
        }

        tabs.get(2).close();
        server.awaitConnections(0, RELEASE); // the last tab took the sockets with it
    }

    @Test
    void aMessageTypedDuringARestartInATabThatIsThenClosedIsPostedExactlyOnce() throws Exception {
        openBlankWindow();
        List<DemoPage> tabs = openTabs(3, server.demo("vera", "restart"));
        server.awaitConnections(2, DemoPage.WAIT);
        DemoPage typist = tabs.get(0);
        typist.say("before the restart");
        for (DemoPage tab : tabs) {
            tab.awaitMessage("before the restart");
        }

        server.stop();
        for (DemoPage tab : tabs) {
            tab.awaitChatState("reconnecting", DemoPage.WAIT);
        }
        typist.say("typed, then the tab was closed");
        assertEquals(List.of("typed, then the tab was closed"), typist.pendingTexts(), "waiting to be sent");
        typist.close();

        server.startAgain();
        List<DemoPage> left = tabs.subList(1, 3);
        for (DemoPage tab : left) {
            tab.awaitChatState("connected", RECONNECT).awaitMessage("typed, then the tab was closed");
        }
        server.awaitConnections(2, DemoPage.WAIT);
        // Let any second copy arrive before counting.
        left.get(0).script("return new Promise(done => setTimeout(done, 1500));");
        for (DemoPage tab : left) {
            assertEquals(1L, tab.occurrences("typed, then the tab was closed"), "shown once: " + tab.messageTexts());
        }
        String stored = server.roomMessages("restart");
        assertEquals(1, count(stored, "typed, then the tab was closed"), "stored once by the server: " + stored);
    }

    @Test
    void connectionCountsWithOneAndTenTabsOfOneUserWithAndWithoutTheSharedWorker() throws Exception {
        List<String> table = new ArrayList<>();
        table.add("tabs of one user (one room + notifications) | SharedWorker | connections on the server");
        for (boolean shared : new boolean[] {true, false}) {
            for (int n : new int[] {1, 10}) {
                String user = "count-" + (shared ? "shared" : "own") + "-" + n;
                String url = shared ? server.demo(user, "counts") : server.demoPerTab(user, "counts");
                openBlankWindow();
                List<DemoPage> tabs = openTabs(n, url);
                int expected = shared ? 2 : 2 * n;
                server.awaitConnections(expected, DemoPage.WAIT);
                // Nothing more comes after a moment either.
                tabs.get(0).script("return new Promise(done => setTimeout(done, 1000));");
                int measured = server.connections();
                assertEquals(expected, measured, n + " tabs, shared=" + shared);
                for (DemoPage tab : tabs) {
                    assertEquals(shared ? "worker" : "page", tab.clientMode());
                }
                table.add(n + " | " + (shared ? "yes" : "no (?shared=0)") + " | " + measured);
                chromium.closeWindows();
                server.awaitConnections(0, RELEASE);
            }
        }
        Path report = Path.of("target", "connection-counts.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, String.join("\n", table) + "\n", StandardCharsets.UTF_8);
        System.out.println(String.join("\n", table));
    }

    private static void openBlankWindow() {
        chromium.open("about:blank");
    }

    /** Opens `n` windows of `url` and waits until each shows both channels connected. */
    private static List<DemoPage> openTabs(int n, String url) {
        List<DemoPage> tabs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tabs.add(chromium.open(url));
        }
        for (DemoPage tab : tabs) {
            tab.awaitConnected();
        }
        return tabs;
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }
}
