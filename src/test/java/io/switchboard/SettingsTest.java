package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void environmentNamesAreUpperSnakeCaseOfTheProperty() {
        assertEquals("SWITCHBOARD_MAX_MESSAGE_BYTES", Settings.environmentName("switchboard.maxMessageBytes"));
        assertEquals("SWITCHBOARD_JWT_PUBLIC_KEY", Settings.environmentName("switchboard.jwt.publicKey"));
        assertEquals("SWITCHBOARD_HOST", Settings.environmentName("switchboard.host"));
    }

    @Test
    void overridesComeFirstThenSystemPropertiesThenTheDefault() {
        System.setProperty("switchboard.test.only", "from-property");
        try {
            assertEquals("from-override", Settings.of(Map.of("switchboard.test.only", "from-override"))
                    .get("switchboard.test.only", "default"));
            assertEquals("from-property", Settings.fromEnvironment().get("switchboard.test.only", "default"));
        } finally {
            System.clearProperty("switchboard.test.only");
        }
        assertEquals("default", Settings.fromEnvironment().get("switchboard.test.only", "default"));
    }

    @Test
    void limitsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> Limits.from(Settings.of(Map.of("switchboard.maxMessageBytes", "99999999"))));
        assertThrows(IllegalArgumentException.class,
                () -> Limits.from(Settings.of(Map.of("switchboard.retention", "0"))));
        assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("switchboard.port", "x")).getInt("switchboard.port", 1));
    }
}
