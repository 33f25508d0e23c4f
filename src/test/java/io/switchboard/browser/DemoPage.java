package io.switchboard.browser;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One window showing the demo page, read and driven through its data-testid attributes. */
final class DemoPage {

    static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;
    private final String handle;

    DemoPage(WebDriver driver, String handle) {
        this.driver = driver;
        this.handle = handle;
    }

    /** Makes this window the one the driver talks to. */
    DemoPage focus() {
        driver.switchTo().window(handle);
        return this;
    }

    // --- actions ---

    void say(String text) {
        WebElement input = byTestId("message-input");
        input.clear();
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    /** Types into the message box without sending, which tells the room this user is typing. */
    void typeWithoutSending(String text) {
        byTestId("message-input").sendKeys(text);
    }

    void clearMessageBox() {
        byTestId("message-input").clear();
    }

    void markAllRead() {
        click("mark-read");
    }

    void click(String testId) {
        byTestId(testId).click();
    }

    /** Closes this window, as a user closing the tab (the page gets its pagehide). */
    void close() {
        focus();
        driver.close();
    }

    Object script(String script, Object... args) {
        focus();
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    // --- reading ---

    String chatState() {
        return byTestId("connection-state").getDomAttribute("data-state");
    }

    String notifyState() {
        return byTestId("notify-state").getDomAttribute("data-state");
    }

    /** 'worker' when the page shares its connections through the SharedWorker, 'page' when it has its own. */
    String clientMode() {
        return byTestId("whoami").getDomAttribute("data-mode");
    }

    @SuppressWarnings("unchecked")
    List<String> messageTexts() {
        return (List<String>) script("return [...document.querySelectorAll('[data-testid=message] [data-testid=message-text]')]"
                + ".map(e => e.textContent)");
    }

    @SuppressWarnings("unchecked")
    List<String> pendingTexts() {
        return (List<String>) script("return [...document.querySelectorAll('[data-testid=pending-message] [data-testid=message-text]')]"
                + ".map(e => e.textContent)");
    }

    /** Every line of the message log in order: message texts, and "(gap)" where messages may be missing. */
    @SuppressWarnings("unchecked")
    List<String> logLines() {
        return (List<String>) script("return [...document.querySelectorAll('[data-testid=messages] > li')]"
                + ".map(li => li.dataset.testid === 'gap' ? '(gap)' : li.querySelector('[data-testid=message-text]').textContent)");
    }

    long occurrences(String text) {
        return messageTexts().stream().filter(text::equals).count();
    }

    String text(String testId) {
        return byTestId(testId).getDomProperty("textContent").strip();
    }

    boolean visible(String testId) {
        return byTestId(testId).isDisplayed();
    }

    @SuppressWarnings("unchecked")
    List<String> notificationTitles() {
        return (List<String>) script("return [...document.querySelectorAll('[data-testid=notification] [data-testid=notification-title]')]"
                + ".map(e => e.textContent)");
    }

    // --- bounded waits ---

    DemoPage awaitConnected() {
        return await("chat and notifications connected",
                page -> "connected".equals(page.chatState()) && "connected".equals(page.notifyState()), WAIT);
    }

    DemoPage awaitChatState(String state, Duration timeout) {
        return await("chat state " + state, page -> state.equals(page.chatState()), timeout);
    }

    DemoPage awaitMessage(String text) {
        return await("the message " + text, page -> page.messageTexts().contains(text), WAIT);
    }

    DemoPage awaitText(String testId, String expected) {
        return await(testId + " showing '" + expected + "'", page -> page.text(testId).equals(expected), WAIT);
    }

    DemoPage awaitTextContaining(String testId, String expected) {
        return await(testId + " containing '" + expected + "'", page -> page.text(testId).contains(expected), WAIT);
    }

    DemoPage awaitVisible(String testId, boolean visible) {
        return await(testId + (visible ? " visible" : " hidden"), page -> page.visible(testId) == visible, WAIT);
    }

    DemoPage awaitNotification(String title) {
        return await("the notification " + title, page -> page.notificationTitles().contains(title), WAIT);
    }

    /** Polls `condition` on this window until it holds, failing with `what` after `timeout`. */
    DemoPage await(String what, Function<DemoPage, Boolean> condition, Duration timeout) {
        focus();
        new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(() -> "waited " + timeout.toSeconds() + " s for " + what + "; the page shows chat="
                        + safe(this::chatState) + ", notifications=" + safe(this::notifyState)
                        + ", messages=" + safe(this::messageTexts))
                .until(ignored -> condition.apply(this));
        return this;
    }

    private WebElement byTestId(String testId) {
        focus();
        return driver.findElement(By.cssSelector("[data-testid='" + testId + "']"));
    }

    private static String safe(java.util.function.Supplier<?> read) {
        try {
            return String.valueOf(read.get());
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
