package io.portcullis.cluster;

import io.portcullis.config.PostgresConnector;
import io.portcullis.config.ConfigException;
import io.portcullis.config.PostgresStoreSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.SlowLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replica registry against a real PostgreSQL: several directories on one configuration table are several
 * replicas. Each test has a table of its own.
 */
class ReplicaRegistryTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration FORGET = Duration.ofSeconds(2);
    /** What the issue promises for a newly applied version: visible through any replica within 2 s. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PostgresServer pg = Backends.postgres();
    private final String table = "rr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<PostgresReplicaDirectory> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(PostgresReplicaDirectory::close);
    }

    private PostgresReplicaDirectory open(String name, Duration heartbeat) {
        return open(name, heartbeat, pg.jdbcUrl(pg.database()));
    }

    private PostgresReplicaDirectory open(String name, Duration heartbeat, String url) {
        PostgresStoreSettings settings = new PostgresStoreSettings(url, Optional.of(pg.scramUser()),
                Optional.of(pg.scramPassword()), table, Duration.ofSeconds(10));
        PostgresReplicaDirectory directory = new PostgresReplicaDirectory(new PostgresConnector(settings, PostgresConnector.REGISTRY_APPLICATION_NAME), table,
                name, "9.9.9-test", 0, heartbeat, FORGET, () -> true);
        opened.add(directory);
        directory.start();
        return directory;
    }

    @Test
    void replicasSeeEachOtherAndAnAppliedVersionWithinTwoSeconds() throws Exception {
        PostgresReplicaDirectory a = open("a", Duration.ofSeconds(2));
        PostgresReplicaDirectory b = open("b", Duration.ofSeconds(2));
        List<Replica> seen = await(b, rows -> rows.size() == 2 && rows.stream().allMatch(Replica::live));
        Replica ra = seen.stream().filter(r -> r.name().equals("a")).findFirst().orElseThrow();
        Replica rb = seen.stream().filter(r -> r.name().equals("b")).findFirst().orElseThrow();
        assertFalse(ra.self());
        assertTrue(rb.self());
        assertNotEquals(ra.peerId(), rb.peerId());
        assertTrue(ra.peerId() >= 1 && rb.peerId() >= 1 && Math.max(ra.peerId(), rb.peerId()) == 2, "lowest free ids");
        assertEquals("9.9.9-test", ra.version());
        assertTrue(ra.ready());
        assertEquals(null, ra.address());
        assertTrue(b.reachable());

        long start = System.nanoTime();
        for (long version = 1; version <= 50; version++) {
            a.applied(version);  // a burst: coalesced into a few writes
        }
        a.address("10.0.0.7:6433");
        await(b, rows -> rows.stream().anyMatch(r -> r.name().equals("a") && r.configVersion() == 50));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(CONVERGENCE) < 0, "version 50 applied by a was visible through b after " + took);
        await(b, rows -> rows.stream().anyMatch(r -> "10.0.0.7:6433".equals(r.address())));
        assertEquals(50, a.self().configVersion());
        assertEquals(50, a.applied());
    }

    @Test
    void aNameHeldByALiveReplicaGetsThePeerIdAppended() throws Exception {
        PostgresReplicaDirectory first = open("same", HEARTBEAT);
        await(first, rows -> rows.size() == 1);
        PostgresReplicaDirectory second = open("same", HEARTBEAT);
        List<Replica> rows = await(second, r -> r.size() == 2);
        Replica other = second.self();
        assertEquals("same-" + other.peerId(), other.name(), rows.toString());
        assertEquals("same", first.self().name());
    }

    @Test
    void aKilledReplicaExpiresAfterThreeHeartbeatsThenIsForgotten() throws Exception {
        PostgresReplicaDirectory killed = open("killed", HEARTBEAT);
        PostgresReplicaDirectory watcher = open("watcher", HEARTBEAT);
        await(watcher, rows -> rows.size() == 2 && rows.stream().allMatch(Replica::live));
        killed.halt();
        List<Replica> expired = await(watcher, rows -> rows.stream().anyMatch(r -> r.name().equals("killed") && !r.live()));
        assertEquals(2, expired.size(), "still listed, as not live");
        await(watcher, rows -> rows.stream().noneMatch(r -> r.name().equals("killed")));
    }

    @Test
    void aRestartedReplicaTakesItsNameBackFromItsExpiredRow() throws Exception {
        PostgresReplicaDirectory before = open("pod-0", HEARTBEAT);
        await(before, rows -> rows.size() == 1);
        before.halt();
        Thread.sleep(HEARTBEAT.multipliedBy(ReplicaTable.MISSED_HEARTBEATS + 2).toMillis());
        PostgresReplicaDirectory after = open("pod-0", HEARTBEAT);
        List<Replica> rows = await(after, r -> r.size() == 1 && r.get(0).self());
        assertEquals("pod-0", rows.get(0).name());
    }

    @Test
    void aGracefulStopDeletesTheRowAndARowDeletedUnderfootIsWrittenAgain() throws Exception {
        PostgresReplicaDirectory leaving = open("leaving", HEARTBEAT);
        PostgresReplicaDirectory staying = open("staying", HEARTBEAT);
        await(staying, rows -> rows.size() == 2);
        leaving.close();
        assertEquals(List.of("staying"), staying.refresh().stream().map(Replica::name).toList(), "gone at once");

        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(pg.database()), pg.scramUser(), pg.scramPassword());
             Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + table + "_replicas");
        }
        await(staying, rows -> rows.size() == 1 && rows.get(0).name().equals("staying"));
    }

    @Test
    void anUnreachableStoreIsReportedAndTheReplicaKeepsAnswering() throws Exception {
        PostgresReplicaDirectory cut = open("cut", HEARTBEAT, "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/none");
        Thread.sleep(1000); // a few connection attempts, each refused at once
        assertFalse(cut.reachable());
        assertEquals(List.of(), cut.refresh());
        assertEquals("cut", cut.self().name());
        assertFalse(cut.self().live());
        cut.applied(3);
        assertEquals(3, cut.self().configVersion());
    }

    @Test
    void aStoreThatGoesAwayLeavesTheLastRowsAndTheReplicaServing() throws Exception {
        try (SlowLink link = SlowLink.start(pg.host(), pg.port(), Duration.ZERO, 64 * 1024)) {
            PostgresReplicaDirectory cut = open("cut-off", HEARTBEAT,
                    "jdbc:postgresql://" + link.host() + ":" + link.port() + "/" + pg.database());
            List<Replica> before = await(cut, rows -> rows.size() == 1);
            assertTrue(cut.reachable());
            link.close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (cut.reachable()) {
                assertTrue(System.nanoTime() < deadline, "the lost store was noticed");
                Thread.sleep(20);
            }
            assertEquals(before, cut.refresh(), "the rows as last read");
            cut.applied(7);
            assertEquals(7, cut.applied());
            assertEquals("cut-off", cut.self().name());
        }
    }

    @Test
    void settingsOutOfRangeStopTheStartNamingTheSetting() {
        ReplicaRegistry.validate(Duration.ofSeconds(2), Duration.ofHours(1));
        ConfigException tooFast = assertThrows(ConfigException.class,
                () -> ReplicaRegistry.validate(Duration.ofMillis(10), Duration.ofHours(1)));
        assertTrue(tooFast.getMessage().contains("portcullis.cluster.heartbeat-interval"), tooFast.getMessage());
        ConfigException tooSoon = assertThrows(ConfigException.class,
                () -> ReplicaRegistry.validate(Duration.ofSeconds(2), Duration.ofSeconds(6)));
        assertTrue(tooSoon.getMessage().contains("portcullis.cluster.forget-after"), tooSoon.getMessage());
    }

    @Test
    void theNameIsTheSettingElseTheHostName() {
        assertEquals("pod-7", ReplicaRegistry.name(Optional.of("  pod-7 ")));
        String fallback = ReplicaRegistry.name(Optional.of(" "));
        assertFalse(fallback.isBlank());
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            assertEquals(host.strip(), fallback);
        }
        assertEquals(ReplicaRegistry.MAX_NAME_LENGTH, ReplicaRegistry.name(Optional.of("x".repeat(500))).length());
    }

    /** Polls {@link PostgresReplicaDirectory#refresh()} (the API's read) until the rows match. */
    private static List<Replica> await(PostgresReplicaDirectory directory, Predicate<List<Replica>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Replica> rows = directory.refresh();
            if (condition.test(rows)) {
                return rows;
            }
            assertTrue(System.nanoTime() < deadline, "rows never matched; last " + rows);
            Thread.sleep(20);
        }
    }
}
