package io.portcullis.config;

import io.portcullis.testing.Backends;
import io.portcullis.testing.LogCapture;
import io.portcullis.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared store against a real PostgreSQL: two store instances on one table are two replicas.
 * Each test uses a table of its own (its name is also the notification channel), so tests cannot see
 * each other's writes.
 */
class PostgresConfigStoreTest {

    /** A replica that learns only through NOTIFY: its poll would come after the test ends. */
    private static final Duration NO_POLL = Duration.ofHours(1);
    private static final Duration FAST_POLL = Duration.ofMillis(200);
    /** Generous for a 2-core machine shared by several builds; a NOTIFY normally arrives within milliseconds. */
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    private final PostgresServer pg = Backends.postgres();
    private final String table = "cfg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<PostgresConfigStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(PostgresConfigStore::close);
    }

    private PostgresConfigStore open(Duration poll, List<ConfigChanged> events) {
        return open(settings(pg.jdbcUrl(pg.database()), pg.scramUser(), pg.scramPassword(), poll), events);
    }

    private PostgresConfigStore open(PostgresStoreSettings settings, List<ConfigChanged> events) {
        PostgresConfigStore store = new PostgresConfigStore(settings, events::add);
        opened.add(store);
        return store;
    }

    private PostgresStoreSettings settings(String url, String user, String password, Duration poll) {
        return new PostgresStoreSettings(url, Optional.of(user), Optional.of(password), table, poll);
    }

    private PostgresStoreSettings settings(String user, String password, int history) {
        return new PostgresStoreSettings(pg.jdbcUrl(pg.database()), Optional.of(user), Optional.of(password), table,
                NO_POLL, history);
    }

    static DatabaseConfig db(String name) {
        return new DatabaseConfig(name, "127.0.0.1", 8812, name, "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, 20, 0, 0, 0);
    }

    @Test
    void startsEmptyThenStoresOneRowPerVersionAndRefusesStaleOrInvalidWrites() throws Exception {
        List<ConfigChanged> events = new CopyOnWriteArrayList<>();
        PostgresConfigStore store = open(NO_POLL, events);
        assertEquals(0, store.current().version());
        assertEquals(0, rows(), "the table exists and nothing is stored before a change");
        assertTrue(store.problem().isEmpty());

        GatewayConfig v1 = store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("a")));
        GatewayConfig v2 = store.update(1, c -> c.withDatabase(db("b")));
        assertEquals(1, v1.version());
        assertEquals(2, v2.version());
        assertEquals(v2, store.current());
        assertEquals(List.of(0L, 1L), events.stream().map(e -> e.before().version()).toList());
        assertEquals(List.of(1L, 2L), events.stream().map(e -> e.after().version()).toList());

        assertThrows(VersionConflictException.class, () -> store.update(1, c -> c.withDatabase(db("stale"))));
        assertThrows(ConfigException.class, () -> store.update(ConfigStore.ANY_VERSION,
                c -> c.withDatabase(db("bad name with spaces"))));
        assertEquals(2, rows(), "neither the stale nor the invalid write was stored");
        assertEquals(2, events.size());

        PostgresConfigStore restarted = open(NO_POLL, new CopyOnWriteArrayList<>());
        assertEquals(v2, restarted.current(), "a new replica loads the newest version");
    }

    /**
     * Issue 15 item 5: a shared store written before secrets were bound is converted once; a second replica
     * starting at the same time finds nothing left to convert and writes no version of its own.
     */
    @Test
    void unboundSecretsAreBoundOnceAcrossReplicas() throws Exception {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        java.util.Arrays.fill(key, (byte) 3);
        SecretBox box = new SecretBox(key, new java.security.SecureRandom());
        GatewayConfig old = GatewayConfig.EMPTY.withDatabase(new DatabaseConfig("orders", "127.0.0.1", 8812, "qdb", "admin",
                io.portcullis.testing.UnboundSecrets.seal(key, "quest"), ServerTls.DISABLE, PoolMode.SESSION, 20, 0, 0, 0))
                .withVersion(1);
        open(NO_POLL, new CopyOnWriteArrayList<>()); // creates the table
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword());
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (version, document, writer) VALUES (1, ?, 'old')")) {
            insert.setString(1, new String(new ConfigCodec().serialize(old), StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
        PostgresConfigStore a = open(NO_POLL, new CopyOnWriteArrayList<>());
        PostgresConfigStore b = open(NO_POLL, new CopyOnWriteArrayList<>());
        a.close(); // A hears nothing: it still holds the unbound version 1 when it runs its conversion
        assertEquals(1, b.current().version());
        assertEquals(List.of("orders"), SealedSecretsCheck.bindUnboundSecrets(b, box));
        assertEquals(1, a.current().version());
        assertEquals(List.of(), SealedSecretsCheck.bindUnboundSecrets(a, box), "the newest stored version has nothing left");
        assertEquals(2, rows(), "one conversion, written once");
        DatabaseConfig bound = open(NO_POLL, new CopyOnWriteArrayList<>()).current().database("orders").orElseThrow();
        assertTrue(bound.sealedPassword().startsWith("v2:"));
        assertEquals("quest", box.open(bound.sealedPassword(), SecretBinding.backendPassword(bound)));
    }

    @Test
    void aWriteOnOneReplicaIsPublishedOnTheOtherThroughNotify() {
        List<ConfigChanged> seenByB = new CopyOnWriteArrayList<>();
        PostgresConfigStore a = open(NO_POLL, new CopyOnWriteArrayList<>());
        PostgresConfigStore b = open(NO_POLL, seenByB);
        awaitListening(b);

        GatewayConfig written = a.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("through-notify")));
        await(() -> b.current().version() == 1, "replica B received version 1 through NOTIFY");
        assertEquals(written, b.current());
        assertEquals(1, seenByB.size(), "B published the change once, as a local write would");
        assertEquals(0, seenByB.get(0).before().version());
        assertTrue(seenByB.get(0).after().database("through-notify").isPresent());
    }

    @Test
    void aStaleReplicaGetsAConflictAndHasCaughtUpWhenItRetries() {
        PostgresConfigStore a = open(NO_POLL, new CopyOnWriteArrayList<>());
        PostgresConfigStore b = open(NO_POLL, new CopyOnWriteArrayList<>());
        b.close(); // B hears nothing: it stays at version 0 until it writes
        a.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("first")));

        assertThrows(VersionConflictException.class, () -> b.update(0, c -> c.withDatabase(db("second"))));
        assertEquals(1, b.current().version(), "the conflict brought B up to date");
        GatewayConfig retried = b.update(b.current().version(), c -> c.withDatabase(db("second")));
        assertEquals(Set.of("first", "second"), retried.databases().keySet());
    }

    @Test
    void pollingCatchesAVersionWhoseNotificationWasMissed() throws Exception {
        PostgresConfigStore polling = open(FAST_POLL, new CopyOnWriteArrayList<>());
        PostgresConfigStore notifyOnly = open(NO_POLL, new CopyOnWriteArrayList<>());
        awaitListening(polling);
        awaitListening(notifyOnly);

        // A row written without NOTIFY, as if the notification had been lost.
        GatewayConfig silent = GatewayConfig.EMPTY.withDatabase(db("silent")).withVersion(1);
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword());
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (version, document, writer) VALUES (1, ?, 'test')")) {
            insert.setString(1, new String(new ConfigCodec().serialize(silent), StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
        await(() -> polling.current().version() == 1, "the polling replica found version 1");
        assertEquals(silent, polling.current());
        assertEquals(0, notifyOnly.current().version(), "without a notification only polling can find it");
    }

    @Test
    void concurrentWritersOnTwoReplicasLoseNoWrite() throws Exception {
        PostgresConfigStore a = open(NO_POLL, new CopyOnWriteArrayList<>());
        PostgresConfigStore b = open(NO_POLL, new CopyOnWriteArrayList<>());
        int writersPerReplica = 2;
        int writesEach = 10;
        ExecutorService threads = Executors.newFixedThreadPool(2 * writersPerReplica);
        List<Future<List<String>>> acknowledged = new ArrayList<>();
        for (PostgresConfigStore replica : List.of(a, b)) {
            for (int w = 0; w < writersPerReplica; w++) {
                String prefix = (replica == a ? "a" : "b") + w + "-";
                acknowledged.add(threads.submit(() -> {
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < writesEach; i++) {
                        String name = prefix + i;
                        replica.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db(name)));
                        names.add(name);
                    }
                    return names;
                }));
            }
        }
        Set<String> expected = new TreeSet<>();
        for (Future<List<String>> f : acknowledged) {
            expected.addAll(f.get(120, TimeUnit.SECONDS));
        }
        threads.shutdown();
        int total = 2 * writersPerReplica * writesEach;
        assertEquals(total, expected.size());
        GatewayConfig last = open(NO_POLL, new CopyOnWriteArrayList<>()).current();
        assertEquals(total, last.version(), "one version per acknowledged write");
        assertEquals(expected, new TreeSet<>(last.databases().keySet()), "every acknowledged write is in the final document");
        await(() -> a.current().version() == total && b.current().version() == total, "both replicas converged");
        assertEquals(last, a.current());
        assertEquals(last, b.current());
    }

    @Test
    void anUnreachableStoreKeepsTheLastGoodConfigurationAndRecovers() throws Exception {
        String role = table + "_owner";
        String password = "pw-" + UUID.randomUUID();
        try (Connection c = pg.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + role + " OWNER " + role);
        }
        try {
            String url = pg.jdbcUrl(role);
            PostgresConfigStore replica = open(settings(url, role, password, FAST_POLL), new CopyOnWriteArrayList<>());
            PostgresConfigStore other = open(settings(url, pg.superuser(), pg.superuserPassword(), NO_POLL),
                    new CopyOnWriteArrayList<>());
            GatewayConfig good = replica.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("kept")));

            setLogin(role, false);
            await(() -> replica.problem().isPresent(), "the replica noticed the store is gone");
            assertEquals(good, replica.current(), "the last good configuration keeps serving");
            ConfigStoreUnavailableException refused = assertThrows(ConfigStoreUnavailableException.class,
                    () -> replica.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("lost"))));
            assertFalse(refused.getMessage().contains(password), "no password in messages");
            assertFalse(replica.problem().get().contains(password));
            assertEquals(good, replica.current(), "a failed write changes nothing locally");

            // Another replica writes while this one cannot listen: its notification is lost to it.
            other.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("while-away")));

            setLogin(role, true);
            await(() -> replica.problem().isEmpty() && replica.current().version() == 2,
                    "the replica reconnected and caught up");
            assertTrue(replica.current().database("while-away").isPresent());
            assertTrue(replica.current().database("lost").isEmpty());
        } finally {
            opened.forEach(PostgresConfigStore::close);
            opened.clear();
            try (Connection c = pg.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + role + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    /** Issue 18 item 5: after N + k writes exactly the newest N rows remain, the newest being the configuration. */
    @Test
    void eachWriteKeepsTheNewestHistoryVersionsAndDeletesTheRest() throws Exception {
        int history = 3;
        PostgresConfigStore store = open(settings(pg.scramUser(), pg.scramPassword(), history), new CopyOnWriteArrayList<>());
        for (int i = 1; i <= history + 4; i++) {
            store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("db" + c.version())));
            assertEquals(Math.min(i, history), rows(), "after write " + i);
        }
        assertEquals(List.of(7L, 6L, 5L), versions());
        assertEquals(7, store.current().version());
        assertEquals(store.current(), open(NO_POLL, new CopyOnWriteArrayList<>()).current(),
                "a new replica loads the newest version, which pruning never touches");
    }

    /**
     * A role with only SELECT and INSERT on a table an administrator made runs a replica; without DELETE its writes
     * still succeed (the prune is rolled back to its savepoint), the history grows, and one warning says why.
     */
    @Test
    void aRoleWithOnlySelectAndInsertOnAnExistingTableCanRunAReplica() throws Exception {
        open(NO_POLL, new CopyOnWriteArrayList<>()).update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("made-by-owner")));
        String role = table + "_writer";
        String password = "pw-" + UUID.randomUUID();
        try (Connection c = pg.connectAsSuperuser(pg.database()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            s.execute("GRANT SELECT, INSERT ON " + table + " TO " + role);
        }
        try (LogCapture log = LogCapture.start()) {
            PostgresConfigStore limited = open(settings(role, password, 1), new CopyOnWriteArrayList<>());
            assertEquals(1, limited.current().version());
            assertEquals(2, limited.update(1, c -> c.withDatabase(db("by-limited-role"))).version());
            assertEquals(3, limited.update(2, c -> c.withDatabase(db("again"))).version());
            assertEquals(List.of(3L, 2L, 1L), versions(), "nothing pruned, every write stored");
            assertEquals(3, limited.current().version());
            List<String> warnings = log.records().stream().filter(r -> r.contains("is not pruned")).toList();
            assertEquals(1, warnings.size(), "one warning per process: " + warnings);
            assertTrue(warnings.get(0).contains("GRANT DELETE ON " + table + " TO " + role), warnings.get(0));
            assertFalse(warnings.get(0).contains(password), warnings.get(0));
        } finally {
            opened.forEach(PostgresConfigStore::close);
            opened.clear();
            try (Connection c = pg.connectAsSuperuser(pg.database()); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                s.execute("DROP OWNED BY " + role);
                s.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aRefusingStoreFailsStartupAtOnceWithoutThePassword() {
        PostgresStoreSettings wrong = settings(pg.jdbcUrl(pg.database()), pg.scramUser(), "not-the-password", NO_POLL);
        long started = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> open(wrong, new CopyOnWriteArrayList<>()));
        assertTrue(System.nanoTime() - started < PostgresConfigStore.STARTUP_WAIT.toNanos() / 2, "no waiting for a refusal");
        assertTrue(e.getMessage().contains("28P01"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    private void setLogin(String role, boolean login) throws SQLException {
        try (Connection c = pg.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + role + (login ? " LOGIN" : " NOLOGIN"));
            if (!login) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
            }
        }
    }

    private List<Long> versions() throws SQLException {
        List<Long> versions = new ArrayList<>();
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM " + table + " ORDER BY version DESC")) {
            while (rs.next()) {
                versions.add(rs.getLong(1));
            }
        }
        return versions;
    }

    private int rows() throws SQLException {
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Waits until the replica's watcher holds a LISTEN on the table's channel (it starts asynchronously). */
    private static void awaitListening(PostgresConfigStore replica) {
        await(replica::listening, "a watcher is listening");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
