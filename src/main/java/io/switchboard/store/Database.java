package io.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Where the store's connections come from: a pool this store owns (HikariCP, standalone) or the
 * container's DataSource (not ours to close).
 *
 * @param kind   what {@code Store.kind()} answers: {@code embedded}, {@code postgresql}, …
 * @param where  the database named for operators (a URL without its password, a JNDI name)
 * @param owned  closed with the store, or null when the container owns the pool
 */
record Database(DataSource dataSource, Dialect dialect, String kind, String where, AutoCloseable owned) {

    enum Dialect {
        H2, POSTGRESQL, OTHER;

        static Dialect of(Connection connection) throws SQLException {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                return H2;
            }
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            return OTHER;
        }
    }

    /** Wraps a DataSource, asking it once which database it is. */
    static Database of(DataSource dataSource, String kind, String where, AutoCloseable owned) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(c);
            String k = kind != null ? kind
                    : switch (dialect) {
                        case H2 -> "h2";
                        case POSTGRESQL -> "postgresql";
                        case OTHER -> c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
                    };
            return new Database(dataSource, dialect, k, where, owned);
        }
    }

    void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // Closing a pool that failed is not worth a second failure.
            }
        }
    }
}
