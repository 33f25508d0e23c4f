package io.switchboard.store;

import io.switchboard.Limits;
import io.switchboard.Settings;
import io.switchboard.channel.MemoryPresence;
import io.switchboard.channel.MemoryStore;
import io.switchboard.channel.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Picks the store from the settings of protocol section 8 (docs/storage.md):
 * {@code switchboard.store.url} wins; else {@code switchboard.store} is {@code embedded} (the
 * standalone default: H2 files under {@code switchboard.store.path}), {@code container} (the WAR
 * default: the DataSource named {@code switchboard.store.jndi}, else {@code
 * java:comp/DefaultDataSource}) or {@code memory}.
 *
 * <p>A store that cannot be opened throws {@link IllegalStateException} with one line that names
 * the setting to look at; the server prints it and stops.
 */
public final class Stores {

    private static final Logger LOG = Logger.getLogger(Stores.class.getName());
    static final String DEFAULT_JNDI = "jdbc/switchboard";
    static final String DEFAULT_DATASOURCE = "java:comp/DefaultDataSource";

    private Stores() {
    }

    /** The store the settings ask for, started (schema migrated) and ready for traffic. */
    public static Store from(Settings settings, boolean container) {
        Optional<String> url = settings.get("switchboard.store.url");
        String kind = settings.get("switchboard.store", container ? "container" : "embedded").toLowerCase(Locale.ROOT);
        if (url.isEmpty() && kind.equals("memory")) {
            Limits limits = Limits.from(settings);
            return new MemoryStore(limits.retention(), limits.maxChannels(), limits.memoryBudgetBytes(),
                    limits.maxPublishIds());
        }
        Database database;
        if (url.isPresent()) {
            database = pooled(url.get(), settings, null, "switchboard.store.url");
        } else {
            database = switch (kind) {
                case "embedded" -> embedded(settings);
                case "container" -> container(settings);
                default -> throw new IllegalStateException(
                        "switchboard.store must be embedded, container or memory, not '" + kind + "'");
            };
        }
        return start(database, settings);
    }

    static JdbcStore start(Database database, Settings settings) {
        StoreConfig config = StoreConfig.from(settings, database.dialect() == Database.Dialect.POSTGRESQL ? 2 : 1);
        try {
            return JdbcStore.start(database, config, new MemoryPresence(), Stores.class.getClassLoader());
        } catch (RuntimeException e) {
            database.close();
            throw new IllegalStateException(setting(database) + ": the schema of " + database.where()
                    + " could not be migrated: " + JdbcStore.describe(e), e);
        }
    }

    private static String setting(Database database) {
        return database.where().startsWith("jndi:") ? "switchboard.store.jndi"
                : database.kind().equals("embedded") ? "switchboard.store.path" : "switchboard.store.url";
    }

    /** H2 in {@code <switchboard.store.path>/switchboard.mv.db}, committed writes surviving a killed process. */
    static Database embedded(Settings settings) {
        String configured = settings.get("switchboard.store.path", "./data");
        Path dir = Paths.get(configured).toAbsolutePath().normalize();
        if (dir.toString().contains(";")) {
            throw new IllegalStateException("switchboard.store.path must not contain ';': " + dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("switchboard.store.path: cannot create the directory " + dir + " ("
                    + JdbcStore.describe(e) + ")", e);
        }
        String url = "jdbc:h2:file:" + dir.resolve("switchboard") + ";DB_CLOSE_ON_EXIT=FALSE";
        return pooled(url, settings, "embedded", "switchboard.store.path");
    }

    /**
     * A HikariCP pool on {@code url}. H2 URLs get {@code WRITE_DELAY=0} unless they set it: H2
     * otherwise writes committed transactions up to half a second later, and a killed process
     * would lose what was acknowledged.
     */
    static Database pooled(String url, Settings settings, String kind, String setting) {
        String jdbcUrl = url;
        if (jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.toUpperCase(Locale.ROOT).contains("WRITE_DELAY")) {
            jdbcUrl += ";WRITE_DELAY=0";
        }
        boolean h2 = jdbcUrl.startsWith("jdbc:h2:");
        String user = settings.get("switchboard.store.user", h2 ? "sa" : null);
        String password = settings.get("switchboard.store.password", h2 ? "" : null);
        String where = redact(url);
        try {
            Class.forName("com.zaxxer.hikari.HikariDataSource", false, Stores.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(setting + ": a JDBC URL needs HikariCP and the JDBC driver on the class"
                    + " path; in a container, name a DataSource with switchboard.store.jndi instead");
        }
        int writers = jdbcUrl.startsWith("jdbc:postgresql:") ? 2 : 1;
        int size = settings.getInt("switchboard.store.writers", writers) + settings.getInt("switchboard.store.readers", 4) + 2;
        DataSource pool;
        try {
            pool = HikariPools.open(jdbcUrl, user, password, size, settings);
        } catch (RuntimeException e) {
            throw cannotOpen(e, HikariPools.startFailure(e), setting, where, dataDirectory(jdbcUrl));
        }
        try {
            return Database.of(pool, kind, where, (AutoCloseable) pool);
        } catch (SQLException e) {
            closeQuietly((AutoCloseable) pool);
            throw cannotOpen(e, e, setting, where, null);
        }
    }

    /** One line naming the setting: the URL, the user and password, or the embedded path. */
    static IllegalStateException cannotOpen(Exception e, Throwable cause, String setting, String where, String file) {
        SQLException sql = cause instanceof SQLException s ? s : null;
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        int code = sql == null ? 0 : sql.getErrorCode();
        String why = JdbcStore.describe(cause != null ? cause : e);
        if (code == 90020 || why.contains("already in use") || why.contains("file is locked")) {
            return new IllegalStateException(setting + ": the database " + (file != null ? file : where)
                    + " is in use by another process (another Switchboard on the same " + setting + "?)", e);
        }
        if (state.startsWith("28") || code == 28000) {
            return new IllegalStateException("switchboard.store.user / switchboard.store.password: " + where
                    + " refused them (" + why + ")", e);
        }
        if (cause == null && why.contains("driver")) {
            return new IllegalStateException(setting + ": no JDBC driver takes " + where
                    + " (the server has H2 and PostgreSQL)", e);
        }
        return new IllegalStateException(setting + ": cannot open " + where + " (" + why + ")", e);
    }

    private static String dataDirectory(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String path = url.substring("jdbc:h2:file:".length());
        int semi = path.indexOf(';');
        return (semi < 0 ? path : path.substring(0, semi)) + ".mv.db";
    }

    /** The container's DataSource: switchboard.store.jndi when bound, else the platform default. */
    static Database container(Settings settings) {
        String name = settings.get("switchboard.store.jndi", DEFAULT_JNDI);
        DataSource ds = null;
        String found = null;
        try {
            InitialContext context = new InitialContext();
            for (String candidate : new String[] {name, "java:comp/env/" + name, DEFAULT_DATASOURCE}) {
                if (candidate.startsWith("java:comp/env/java:")) {
                    continue;
                }
                try {
                    Object bound = context.lookup(candidate);
                    if (bound instanceof DataSource d) {
                        ds = d;
                        found = candidate;
                        break;
                    }
                } catch (NamingException notBound) {
                    // Try the next name.
                }
            }
        } catch (NamingException e) {
            throw new IllegalStateException("switchboard.store.jndi: no naming context to look up " + name
                    + " (" + JdbcStore.describe(e) + ")", e);
        }
        if (ds == null) {
            throw new IllegalStateException("switchboard.store.jndi: no DataSource named " + name + " nor "
                    + DEFAULT_DATASOURCE);
        }
        if (!found.equals(name)) {
            String used = found;
            LOG.info(() -> "switchboard.store.jndi: " + name + " is not bound; using " + used);
        }
        try {
            return Database.of(ds, null, "jndi:" + found, null);
        } catch (SQLException e) {
            throw cannotOpen(e, e, "switchboard.store.jndi", "jndi:" + found, null);
        }
    }

    /** A JDBC URL with any password parameter hidden, for messages and logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Already failing; the first error is the one to report.
        }
    }
}
