package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;

/** The demo page in headless Chromium against the standalone server: chat, notifications, safety. */
class DemoPageBrowserTest extends BrowserTestBase {

    @AfterEach
    void noScriptErrorsThenACleanBrowser() {
        try {
            assertEquals(List.of(), chromium.consoleErrors(), "the page logged errors");
        } finally {
            chromium.closeWindows();
        }
    }

    @Test
    void twoSessionsSeeEachOthersMessagesPresenceAndTyping() {
        DemoPage alice = chromium.open(server.demo("alice", "chat-one")).awaitConnected();
        alice.awaitText("member-count", "1");

        DemoPage bob = chromium.open(server.demo("bob", "chat-one")).awaitConnected();
        bob.awaitText("member-count", "2");
        bob.awaitTextContaining("members", "alice");
        alice.awaitText("member-count", "2");
        alice.awaitTextContaining("members", "bob");

        alice.say("hello from alice");
        bob.awaitMessage("hello from alice");
        alice.awaitMessage("hello from alice");
        bob.say("hi alice, bob here");
        alice.awaitMessage("hi alice, bob here");
        assertEquals(List.of("hello from alice", "hi alice, bob here"), bob.messageTexts());
        assertEquals(List.of("hello from alice", "hi alice, bob here"), alice.messageTexts());

        bob.typeWithoutSending("typing away");
        alice.awaitText("typing", "bob is typing…");
        assertEquals("", bob.text("typing"), "nobody sees their own typing");

        bob.focus();
        chromium.driver().close(); // bob leaves

        alice.awaitText("member-count", "1");
    }

    @Test
    void aPublishedNotificationShowsWithItsBadgeAndMarkReadInAnotherTabClearsIt() throws Exception {
        DemoPage first = chromium.open(server.demo("carol", "inbox-room")).awaitConnected();
        DemoPage second = chromium.open(server.demo("carol", "inbox-room")).awaitConnected();
        first.awaitVisible("unread-badge", false);

        assertEquals(202, server.publishTo("carol", "Deploy <b>finished</b>", "build 42 is live"));
        first.awaitNotification("Deploy <b>finished</b>").awaitText("unread-badge", "1").awaitVisible("unread-badge", true);
        second.awaitNotification("Deploy <b>finished</b>").awaitText("unread-badge", "1");
        assertEquals(0L, first.script("return document.querySelectorAll('[data-testid=notification-list] b').length"),
                "a title is text, not markup");

        assertEquals(202, server.publishTo("carol", "Second", ""));
        first.awaitText("unread-badge", "2");

        second.markAllRead();
        first.awaitVisible("unread-badge", false);
        second.awaitVisible("unread-badge", false);
    }

    @Test
    void aMessageThatLooksLikeHtmlIsShownAsTextAndRunsNothing() {
        String attack = "<img src=x onerror=alert(1)>";
        DemoPage mallory = chromium.open(server.demo("mallory", "xss")).awaitConnected();
        DemoPage victim = chromium.open(server.demo("victim", "xss")).awaitConnected();
        victim.script("window.__alerts = []; window.alert = (...args) => window.__alerts.push(args);");

        mallory.say(attack);
        victim.awaitMessage(attack);
        mallory.awaitMessage(attack);

        for (DemoPage page : List.of(victim, mallory)) {
            assertEquals(0L, page.script("return document.querySelectorAll('[data-testid=messages] img').length"),
                    "no element was made from the message");
            assertEquals(attack, page.script(
                    "return document.querySelector('[data-testid=message] [data-testid=message-text]').textContent"));
        }
        // Give a broken image's onerror the time it would need to fire.
        victim.script("return new Promise(done => setTimeout(done, 500));");
        assertEquals(0L, victim.script("return window.__alerts.length"), "alert() was called");
        mallory.focus();
        assertNoAlert();
    }

    @Test
    void aVisitorCanChooseANameAndChatWithTheKeyboardAlone() {
        DemoPage kim = chromium.open(server.base());
        assertEquals("name-input", kim.script("return document.activeElement.id"), "the name box has the focus");
        chromium.driver().switchTo().activeElement().sendKeys("kim", Keys.ENTER);
        kim.awaitConnected().awaitText("room-title", "# lobby");
        assertEquals("message-input", kim.script("return document.activeElement.id"), "then the message box");
        chromium.driver().switchTo().activeElement().sendKeys("typed, never clicked", Keys.ENTER);
        kim.awaitMessage("typed, never clicked");
        assertEquals("", kim.script("return document.activeElement.value"), "the box is empty and ready again");
        assertTrue(String.valueOf(kim.script("return location.search")).contains("user=kim"), "a reload comes back as kim");
    }

    @Test
    void olderMessagesLoadOnDemandAboveTheLatestFifty() throws Exception {
        List<String> texts = java.util.stream.IntStream.rangeClosed(1, 55).mapToObj(i -> "old message " + i).toList();
        server.say("ivan", "history", texts);
        DemoPage judy = chromium.open(server.demo("judy", "history")).awaitConnected();
        judy.awaitMessage("old message 55");
        assertEquals(texts.subList(5, 55), judy.messageTexts(), "the welcome carries the latest 50");
        judy.awaitVisible("load-older", true);

        judy.click("load-older");
        judy.await("the five oldest messages", page -> page.messageTexts().size() == 55, DemoPage.WAIT);
        assertEquals(texts, judy.messageTexts(), "older messages go above, oldest first");
        judy.awaitVisible("load-older", false);
    }

    @Test
    void theDemoPageIsSavedAsAScreenshot() throws Exception {
        DemoPage dana = chromium.open(server.demo("dana", "screenshot")).awaitConnected();
        DemoPage eve = chromium.open(server.demo("eve", "screenshot")).awaitConnected();
        eve.say("Morning! Is the deploy done?");
        dana.awaitMessage("Morning! Is the deploy done?");
        dana.say("Yes, build 42 is live <script>not markup</script>");
        eve.awaitMessage("Yes, build 42 is live <script>not markup</script>");
        eve.typeWithoutSending("great");
        assertEquals(202, server.publishTo("dana", "Build 42 deployed", "All checks passed."));
        assertEquals(202, server.publishTo("dana", "Eve mentioned you", "in #screenshot"));
        dana.awaitText("unread-badge", "2").awaitText("typing", "eve is typing…");

        Path png = chromium.screenshot(dana, "demo");
        assertTrue(Files.size(png) > 10_000, "a screenshot of the page was written to " + png.toAbsolutePath());
    }

    private static void assertNoAlert() {
        try {
            String text = chromium.driver().switchTo().alert().getText();
            throw new AssertionError("an alert is open: " + text);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }
}
