package io.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates the schema at start (Flyway; scripts in {@code db/migration}, the same SQL
 * for H2 and PostgreSQL). Flyway gets the application's class loader, which in a WAR is the only
 * one that sees the scripts. Its history table has our name, so a database shared with another
 * application that uses Flyway keeps both apart, and a schema that already holds other tables (a
 * container's default DataSource) is baselined at version 0, below every script, so all of them
 * still run.
 *
 * <p>Nodes that start together on a fresh PostgreSQL schema take turns under an advisory lock of
 * ours: Flyway's own lock is taken only after it has created its history table, so a second node
 * could find that table empty and refuse to baseline it (found by a three-node test).
 */
final class Migrations {

    static final String HISTORY_TABLE = "switchboard_schema_history";

    private Migrations() {
    }

    static MigrateResult migrate(Database database, ClassLoader loader) {
        if (database.dialect() != Database.Dialect.POSTGRESQL) {
            return flyway(database, loader);
        }
        try (Connection turn = database.dataSource().getConnection()) {
            try (PreparedStatement lock = turn.prepareStatement(TURN + "lock(" + TURN_KEY + ")")) {
                lock.execute();
            }
            try {
                return flyway(database, loader);
            } finally {
                // A pooled connection outlives close(), and with it a session lock: release it here.
                try (PreparedStatement unlock = turn.prepareStatement(TURN + "unlock(" + TURN_KEY + ")")) {
                    unlock.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the migration lock: " + e.getMessage(), e);
        }
    }

    private static final String TURN = "SELECT pg_advisory_";

    /** One lock per schema: the history table's qualified name, hashed. */
    private static final String TURN_KEY = "hashtext(coalesce(current_schema(), '') || '." + HISTORY_TABLE + "')";

    private static MigrateResult flyway(Database database, ClassLoader loader) {
        return Flyway.configure(loader)
                .dataSource(database.dataSource())
                .locations("classpath:db/migration")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
