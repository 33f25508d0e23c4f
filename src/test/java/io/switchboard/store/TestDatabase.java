package io.switchboard.store;

import io.switchboard.Settings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A database of its own for one test: embedded H2 in a temporary directory, or a fresh schema in
 * the PostgreSQL that {@code .ci/postgresql.sh} prepares (docs/storage.md). PostgreSQL that cannot
 * be reached fails the test with the way to start it: these tests never skip.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Kind { H2, POSTGRESQL }

    static final String PG_URL = env("SWITCHBOARD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/switchboard_test");
    public static final String PG_USER = env("SWITCHBOARD_TEST_PG_USER", "switchboard");
    public static final String PG_PASSWORD = env("SWITCHBOARD_TEST_PG_PASSWORD", "switchboard");

    final Kind kind;
    private final Path dir;
    private final String schema;

    private TestDatabase(Kind kind, Path dir, String schema) {
        this.kind = kind;
        this.dir = dir;
        this.schema = schema;
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? System.getProperty(name, fallback) : v;
    }

    public static TestDatabase create(Kind kind, Path tmp) {
        if (kind == Kind.H2) {
            return new TestDatabase(kind, tmp, null);
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = postgres(PG_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new AssertionError(unreachable(e), e);
        }
        return new TestDatabase(kind, tmp, schema);
    }

    static String unreachable(SQLException e) {
        return "PostgreSQL is not reachable at " + PG_URL + " as " + PG_USER + " (" + e.getMessage() + ")."
                + " Start it with: sudo bash .ci/postgresql.sh (installs Debian's postgresql, starts the cluster,"
                + " creates role and database; see docs/storage.md), or point SWITCHBOARD_TEST_PG_URL,"
                + " SWITCHBOARD_TEST_PG_USER and SWITCHBOARD_TEST_PG_PASSWORD at one.";
    }

    static Connection postgres(String url) throws SQLException {
        return DriverManager.getConnection(url, PG_USER, PG_PASSWORD);
    }

    public String url() {
        return kind == Kind.H2 ? null : PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The settings that point Stores at this database, plus {@code extra}. */
    Settings settings(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(extra);
        if (kind == Kind.H2) {
            s.put("switchboard.store", "embedded");
            s.put("switchboard.store.path", dir.resolve("data").toString());
        } else {
            s.put("switchboard.store.url", url());
            s.put("switchboard.store.user", PG_USER);
            s.put("switchboard.store.password", PG_PASSWORD);
        }
        return Settings.of(s);
    }

    /** A started store on this database: {@code tune} adjusts the configuration the settings give. */
    JdbcStore open(java.util.function.UnaryOperator<StoreConfig> tune) {
        Settings settings = settings(Map.of());
        Database database = kind == Kind.H2 ? Stores.embedded(settings)
                : Stores.pooled(url(), settings, null, "switchboard.store.url");
        StoreConfig config = tune.apply(StoreConfig.from(settings, kind == Kind.H2 ? 1 : 2)
                .withCleaning(java.time.Duration.ofHours(1), java.time.Duration.ofDays(1), 1000));
        return JdbcStore.start(database, config, new io.switchboard.channel.MemoryPresence(), getClass().getClassLoader());
    }

    JdbcStore open() {
        return open(c -> c);
    }

    /** A plain connection for assertions (not through the store). */
    Connection connect() throws SQLException {
        if (kind == Kind.H2) {
            return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data").resolve("switchboard"), "sa", "");
        }
        return postgres(url());
    }

    long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        if (kind == Kind.POSTGRESQL) {
            try (Connection c = postgres(PG_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                // A test that stopped PostgreSQL restarts it; a leftover schema only takes space.
            }
        }
    }
}
