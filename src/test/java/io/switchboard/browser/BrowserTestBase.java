package io.switchboard.browser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One standalone server and one headless Chromium per browser test class. */
abstract class BrowserTestBase {

    static BrowserServer server;
    static Chromium chromium;

    @BeforeAll
    static void startServerAndBrowser() throws Exception {
        server = BrowserServer.start();
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopBrowserAndServer() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
