package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Settings;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Position;
import io.switchboard.channel.Store;
import java.io.File;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside Payara Micro with PostgreSQL through the JDBC resource {@code jdbc/switchboard} that
 * {@code payara-config/postgresql.asadmin} creates, the driver added to Micro ({@code --addLibs}):
 * the store finds the resource by the container default ({@code switchboard.store=container}),
 * Flyway finds its scripts through the WAR's class loader, and a store opened again (as a redeploy
 * does) has the same epoch, items, keys, marks and publish ids. Needs the database {@code
 * switchboard} of .ci/postgresql.sh; each run uses logs of its own.
 */
@ExtendWith(ArquillianExtension.class)
class StoreOnPayaraIT {

    @Deployment
    @TargetsContainer("payara-micro-postgresql")
    static WebArchive war() {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war).addClasses(StoreOnPayaraIT.class, Note.class);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void theJdbcResourceKeepsLogsMarksAndIdsAcrossAReopen() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String room = "room:it-" + run;
        Position before;
        try (Store store = Stores.from(Settings.fromEnvironment(), true)) {
            assertEquals("postgresql", store.kind(), "jdbc/switchboard is PostgreSQL");
            NumberedLog<Note> log = store.logs().open(room, Note.ITEMS);
            for (int i = 1; i <= 5; i++) {
                await(log.append(Note.draft("m" + i), "u\n" + i));
            }
            before = await(log.position());
            await(store.readMarks().advance(room, "u", 3));
            assertNull(await(store.publishIds().claim("it-" + run)));
            await(store.publishIds().complete("it-" + run, "{\"seq\":5}"));
        }
        try (Store store = Stores.from(Settings.fromEnvironment(), true)) {
            NumberedLog<Note> log = store.logs().open(room, Note.ITEMS);
            assertEquals(before, await(log.position()));
            assertEquals(5, before.latest());
            assertEquals(List.of("m1", "m2", "m3", "m4", "m5"),
                    await(log.read(1, 10)).stream().map(Note::text).collect(Collectors.toList()));
            NumberedLog.Appended<Note> retried = await(log.append(Note.draft("again"), "u\n2"));
            assertTrue(retried.duplicate());
            assertEquals(2, retried.item().seq());
            assertEquals(3L, await(store.readMarks().get(room, "u")));
            assertEquals("{\"seq\":5}", await(store.publishIds().claim("it-" + run)));
        }
    }
}
