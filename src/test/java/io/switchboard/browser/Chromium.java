package io.switchboard.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium, driven through the system chromedriver. One per test class: every
 * page a test opens is a window of it. Nothing is downloaded: the driver and the browser are given
 * by path, so Selenium Manager never runs.
 */
final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;
    private final Path profile;
    private boolean firstWindowUsed;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser, or fails the test (never skips it) when Chromium is not installed. */
    static Chromium launch() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("The browser tests need Debian's Chromium and its driver at " + BROWSER
                    + " and " + DRIVER + ", and they are missing. Install them: "
                    + "apt-get install -y chromium chromium-driver (or set -Dswitchboard.chromium and "
                    + "-Dswitchboard.chromedriver to other paths).");
        }
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Windows of a test stand side by side; none is a background tab whose timers slow down.
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        // Console messages, so a test can tell that the page ran without script errors.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Chromium(driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens `url` in a new window (the browser's first window the first time) and returns its page. */
    DemoPage open(String url) {
        if (firstWindowUsed) {
            driver.switchTo().newWindow(WindowType.WINDOW);
        }
        firstWindowUsed = true;
        String handle = driver.getWindowHandle();
        driver.get(url);
        return new DemoPage(driver, handle);
    }

    /** Console errors the current window logged since the last call (script errors, failed loads). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Closes every window but one, so the next test starts from a clean browser. */
    void closeWindows() {
        var handles = driver.getWindowHandles().toArray(String[]::new);
        for (int i = 1; i < handles.length; i++) {
            driver.switchTo().window(handles[i]);
            driver.close();
        }
        driver.switchTo().window(handles[0]);
        driver.get("about:blank");
        firstWindowUsed = false;
    }

    /** Saves a PNG of the current window under target/screenshots. */
    Path screenshot(DemoPage page, String name) {
        page.focus();
        Path target = Path.of("target", "screenshots", name + ".png");
        try {
            Files.createDirectories(target.getParent());
            Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(taken, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is not worth failing the tests for
            }
        }
    }
}
