package io.portcullis.pool;

import io.portcullis.observe.OperationsTest;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pool limits as PostgreSQL itself sees them (pg_stat_activity of a backend user only these tests use). */
@QuarkusTest
class PoolLimitsTest {

    private static int backendSessions(PostgresServer pg, String database) throws Exception {
        try (Connection c = pg.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND datname = '"
                     + database + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void minPoolSizeIsKeptWarmAndReserveServesLongWaits() throws Exception {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("pg_warm", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.superuser(), "password", pg.superuserPassword(), "poolSize", 2, "minPoolSize", 2,
                "reservePoolSize", 1));
        GatewayClient.putUser("warm_user", Map.of("password", "warm-pass"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int open = 0;
        while (System.nanoTime() < deadline && (open = backendSessions(pg, pg.database())) < 2) {
            Thread.sleep(200);
        }
        assertEquals(2, open, "two server connections opened before any client came");
        double opened = -1;
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); opened < 2 && System.nanoTime() < until; ) {
            Thread.sleep(50); // the backend lists a session a moment before its login completes
            opened = OperationsTest.value(GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString(),
                    "portcullis_server_connections_opened_total", "pg_warm");
        }
        assertEquals(2, opened, "warm-up connections are counted as opened");

        // Pool of two, reserve of one: a third concurrent session gets the reserve after the reserve timeout.
        try (Connection a = GatewayClient.connect("pg_warm", "warm_user", "warm-pass");
             Connection b = GatewayClient.connect("pg_warm", "warm_user", "warm-pass")) {
            long start = System.nanoTime();
            try (Connection c = GatewayClient.connect("pg_warm", "warm_user", "warm-pass")) {
                assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(4), "reserve only after the reserve timeout");
                assertEquals(3, backendSessions(pg, pg.database()));
            }
        }
        GatewayClient.deleteDatabase("pg_warm");
    }

    @Test
    void maxDbConnectionsCapsThePoolAndWaitersGet53300() throws Exception {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("pg_capped", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.md5User(), "password", pg.md5Password(), "poolSize", 5, "maxDbConnections", 1));
        GatewayClient.putUser("capped_user", Map.of("password", "capped-pass"));
        try {
            try (Connection first = GatewayClient.connect("pg_capped", "capped_user", "capped-pass")) {
                // A pool of five capped at one: a second session waits for the first one's connection and, once the
                // wait is longer than queryWaitTimeout (2 s here instead of the default 120 s), is refused with
                // 53300. Without the cap it would have been given a second server connection at once.
                TestSettings.put(Map.of("queryWaitTimeout", "2s"));
                long start = System.nanoTime();
                SQLException refused = assertThrows(SQLException.class,
                        () -> GatewayClient.connect("pg_capped", "capped_user", "capped-pass").close());
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("53300", refused.getSQLState(), refused.toString());
                assertTrue(refused.getMessage().contains("no server connection for database \"pg_capped\" became free within 2 s"),
                        refused.getMessage());
                assertTrue(waitedMillis >= 1_800, "refused after the wait, not at once: " + waitedMillis + " ms");
                TestSettings.reset();

                // With the default wait, the waiting session gets the connection the first one gives back.
                CompletableFuture<Connection> second = CompletableFuture.supplyAsync(() -> {
                    try {
                        return GatewayClient.connect("pg_capped", "capped_user", "capped-pass");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(1500);
                assertFalse(second.isDone(), "the second session waits while the cap is reached");
                first.close();
                try (Connection c = second.get(10, TimeUnit.SECONDS); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                }
            }
        } finally {
            TestSettings.reset();
            GatewayClient.deleteDatabase("pg_capped");
        }
    }
}
