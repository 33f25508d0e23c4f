package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Settings;
import io.switchboard.channel.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stores.from: the section 8 settings pick the store, and a store that cannot open says which setting to fix, in one line. */
class StoresTest {

    @TempDir
    Path tmp;

    static Settings settings(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Settings.of(m);
    }

    static String refusal(Settings settings, boolean container) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Stores.from(settings, container).close());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void theStandaloneDefaultIsAnEmbeddedDatabaseUnderTheStorePath() throws Exception {
        Path data = tmp.resolve("data");
        try (Store store = Stores.from(settings("switchboard.store.path", data.toString()), false)) {
            assertEquals("embedded", store.kind());
            assertTrue(store.reachable());
        }
        assertTrue(Files.exists(data.resolve("switchboard.mv.db")), "H2's file under switchboard.store.path");
    }

    @Test
    void memoryKeepsNothingAndNeedsNoDatabase() {
        try (Store store = Stores.from(settings("switchboard.store", "memory"), false)) {
            assertEquals("memory", store.kind());
        }
    }

    @Test
    void aUrlWinsOverTheStoreKind() {
        String url = TestDatabase.PG_URL;
        try (Store store = Stores.from(settings("switchboard.store", "memory", "switchboard.store.url", url,
                "switchboard.store.user", TestDatabase.PG_USER, "switchboard.store.password", TestDatabase.PG_PASSWORD), false)) {
            assertEquals("postgresql", store.kind());
        }
    }

    @Test
    void anUnknownStoreKindNamesTheSetting() {
        assertTrue(refusal(settings("switchboard.store", "floppy"), false).startsWith("switchboard.store must be"));
    }

    @Test
    void aUrlNoDriverTakesNamesTheUrlSetting() {
        String m = refusal(settings("switchboard.store.url", "jdbc:nosuch://db/x?password=secret"), false);
        assertTrue(m.startsWith("switchboard.store.url: "), m);
        assertFalse(m.contains("secret"), "passwords stay out of messages: " + m);
    }

    @Test
    void anUnreachableDatabaseNamesTheUrlSetting() {
        String m = refusal(settings("switchboard.store.url", "jdbc:postgresql://127.0.0.1:1/switchboard",
                "switchboard.store.user", "x", "switchboard.store.password", "y"), false);
        assertTrue(m.startsWith("switchboard.store.url: cannot open jdbc:postgresql://127.0.0.1:1/switchboard"), m);
    }

    @Test
    void aWrongPasswordNamesTheUserAndPasswordSettings() {
        String m = refusal(settings("switchboard.store.url", TestDatabase.PG_URL,
                "switchboard.store.user", TestDatabase.PG_USER, "switchboard.store.password", "wrong"), false);
        assertTrue(m.startsWith("switchboard.store.user / switchboard.store.password: "), m);
    }

    @Test
    void aMissingDatabaseNamesTheUrlSetting() {
        String url = TestDatabase.PG_URL.replaceFirst("/[^/?]+(\\?|$)", "/no_such_database$1");
        String m = refusal(settings("switchboard.store.url", url,
                "switchboard.store.user", TestDatabase.PG_USER, "switchboard.store.password", TestDatabase.PG_PASSWORD), false);
        assertTrue(m.startsWith("switchboard.store.url: "), m);
        assertTrue(m.contains("no_such_database"), m);
    }

    @Test
    void aPathThatCannotBeADirectoryNamesThePathSetting() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String m = refusal(settings("switchboard.store.path", file.toString()), false);
        assertTrue(m.startsWith("switchboard.store.path: "), m);
    }

    @Test
    void aWrongEmbeddedPasswordNamesTheUserAndPasswordSettings() {
        String path = tmp.resolve("data").toString();
        Stores.from(settings("switchboard.store.path", path), false).close();
        String m = refusal(settings("switchboard.store.path", path, "switchboard.store.password", "guess"), false);
        assertTrue(m.startsWith("switchboard.store.user / switchboard.store.password: "), m);
    }

    @Test
    void aContainerWithoutTheDataSourceNamesTheJndiSetting() {
        String m = refusal(settings(), true);
        assertTrue(m.startsWith("switchboard.store.jndi: "), m);
        assertTrue(m.contains("jdbc/switchboard") && m.contains("java:comp/DefaultDataSource"), m);
    }
}
