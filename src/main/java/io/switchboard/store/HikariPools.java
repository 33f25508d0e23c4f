package io.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.switchboard.Settings;
import javax.sql.DataSource;

/**
 * The standalone server's connection pool. Kept apart from {@link Stores} so that a WAR, which
 * bundles neither HikariCP nor a JDBC driver, never loads this class.
 */
final class HikariPools {

    private HikariPools() {
    }

    /**
     * A fixed pool of {@code size} connections to {@code url}. A pool that cannot connect fails
     * here, at once ({@code initializationFailTimeout}), with the driver's SQLException as cause.
     */
    static DataSource open(String url, String user, String password, int size, Settings settings) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("switchboard-store");
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        // Short: while the database is away, a write must fail fast rather than queue (StoreUnavailable).
        c.setConnectionTimeout(Math.max(250, settings.getLong("switchboard.store.connectTimeoutMs", 2_000)));
        c.setValidationTimeout(1_000);
        c.setInitializationFailTimeout(1);
        if (url.startsWith("jdbc:postgresql:")) {
            c.addDataSourceProperty("reWriteBatchedInserts", "true");
            c.addDataSourceProperty("connectTimeout", "2");
            // A database that hangs (not down) must not hold a writer for ever.
            c.addDataSourceProperty("socketTimeout", "30");
            c.addDataSourceProperty("tcpKeepAlive", "true");
            c.addDataSourceProperty("ApplicationName", "switchboard");
        }
        return new HikariDataSource(c);
    }

    /** The driver's exception behind a pool that would not start, or null. */
    static Throwable startFailure(RuntimeException e) {
        return e instanceof HikariPool.PoolInitializationException ? e.getCause() : null;
    }
}
