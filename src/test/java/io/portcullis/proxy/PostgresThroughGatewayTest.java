package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.RawClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real PostgreSQL behind the gateway: SCRAM and md5 backend logins, cancel, hand-over, psql. */
@QuarkusTest
class PostgresThroughGatewayTest {

    static final String SCRAM_DB = "pg_scram";
    static final String MD5_DB = "pg_md5";
    static final String USER = "pg_client";
    static final String PASSWORD = "pg-client-pass";

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(SCRAM_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        GatewayClient.putDatabase(MD5_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.md5User(), "password", pg.md5Password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    private static String currentUser(String db) throws Exception {
        try (Connection c = GatewayClient.connect(db, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void logsInToTheBackendWithScram() throws Exception {
        assertEquals(Backends.postgres().scramUser(), currentUser(SCRAM_DB));
    }

    @Test
    void logsInToTheBackendWithMd5() throws Exception {
        assertEquals(Backends.postgres().md5User(), currentUser(MD5_DB));
    }

    @Test
    void sessionStateDoesNotLeakToTheNextClient() throws Exception {
        // Pool of one: the second client gets the first client's server connection, cleaned.
        try (Connection c = GatewayClient.connect(SCRAM_DB, USER, PASSWORD, Map.of("prepareThreshold", "-1"));
             Statement s = c.createStatement()) {
            s.execute("SET application_name = 'leaky'");
            s.execute("PREPARE leftover AS SELECT 1");
            try (var ps = c.prepareStatement("SELECT 1 + ?")) {
                ps.setInt(1, 1);
                ps.executeQuery().close();
            }
        }
        try (Connection c = GatewayClient.connect(SCRAM_DB, USER, PASSWORD); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no prepared statement survives the hand-over");
            }
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                rs.next();
                assertTrue(!"leaky".equals(rs.getString(1)), "session settings are reset");
            }
        }
    }

    @Test
    void cancelStopsALongQuery() throws Exception {
        try (Connection c = GatewayClient.connect(MD5_DB, USER, PASSWORD); Statement s = c.createStatement()) {
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            PSQLException e = assertThrows(PSQLException.class, () -> s.executeQuery("SELECT pg_sleep(30)"));
            canceller.get(10, TimeUnit.SECONDS);
            assertEquals("57014", e.getSQLState());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "cancelled well before 30 s");
            // The session is still usable after the cancel.
            try (ResultSet rs = s.executeQuery("SELECT 5")) {
                rs.next();
                assertEquals(5, rs.getInt(1));
            }
        }
    }

    @Test
    void forgedCancelKeyDoesNothing() throws Exception {
        try (Connection c = GatewayClient.connect(MD5_DB, USER, PASSWORD); Statement s = c.createStatement()) {
            int pid = c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            CompletableFuture<Void> forger = CompletableFuture.runAsync(() -> {
                try (RawClient raw = RawClient.plain(GatewayClient.gatewayPort())) {
                    Thread.sleep(300);
                    raw.write(java.nio.ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(pid).putInt(12345).array());
                    raw.closedByPeer();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (ResultSet rs = s.executeQuery("SELECT pg_sleep(1.5), 9")) {
                rs.next();
                assertEquals(9, rs.getInt(2), "the query ran to its end");
            }
            forger.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void psqlReturnsRows() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql not installed");
        String uri = "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + GatewayClient.gatewayPort() + "/"
                + MD5_DB + "?sslmode=require";
        Process p = new ProcessBuilder(List.of("psql", uri, "-At", "-c", "SELECT 40 + 2")).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("42", out);
    }
}
