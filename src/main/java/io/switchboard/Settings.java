package io.switchboard;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where every setting comes from (protocol section 6): explicit overrides (tests, embedding), then
 * a system property {@code switchboard.fooBar}, then the environment variable {@code
 * SWITCHBOARD_FOO_BAR}, then the default.
 */
public final class Settings {

    private final Map<String, String> overrides;

    private Settings(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    public static Settings fromEnvironment() {
        return new Settings(Map.of());
    }

    /** {@code overrides} maps property names ({@code switchboard.port}) to values, ahead of everything else. */
    public static Settings of(Map<String, String> overrides) {
        return new Settings(overrides);
    }

    public Optional<String> get(String property) {
        String value = overrides.get(property);
        if (value == null) {
            value = System.getProperty(property);
        }
        if (value == null) {
            value = System.getenv(environmentName(property));
        }
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String property, String fallback) {
        return get(property).orElse(fallback);
    }

    public int getInt(String property, int fallback) {
        return (int) getLong(property, fallback);
    }

    public long getLong(String property, long fallback) {
        Optional<String> value = get(property);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be a whole number, not '" + value.get() + "'");
        }
    }

    public double getDouble(String property, double fallback) {
        Optional<String> value = get(property);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be a number, not '" + value.get() + "'");
        }
    }

    /** {@code switchboard.maxMessageBytes} becomes {@code SWITCHBOARD_MAX_MESSAGE_BYTES}. */
    static String environmentName(String property) {
        return property.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
