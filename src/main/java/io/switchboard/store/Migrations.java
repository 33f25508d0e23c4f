package io.switchboard.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates the schema at start (Flyway; scripts in {@code db/migration}, the same SQL
 * for H2 and PostgreSQL). Flyway gets the application's class loader, which in a WAR is the only
 * one that sees the scripts. Its history table has our name, so a database shared with another
 * application that uses Flyway keeps both apart, and a schema that already holds other tables (a
 * container's default DataSource) is baselined at version 0, below every script, so all of them
 * still run. On PostgreSQL Flyway locks while it migrates, so nodes starting together migrate once.
 */
final class Migrations {

    static final String HISTORY_TABLE = "switchboard_schema_history";

    private Migrations() {
    }

    static MigrateResult migrate(Database database, ClassLoader loader) {
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
