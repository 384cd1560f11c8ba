package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PostgresServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the packaged gateway while 20 clients run transactions in a loop: readiness goes DOWN at
 * once, no transaction is cut in the middle, every client ends with 57P01 at the start of a
 * transaction, every commit a client saw is in the database, and the process exits in time.
 */
class GracefulDrainIT {

    private static final int CLIENTS = 20;
    private static final Duration DELAY = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Process gateway;

    /** What one client saw: its commits, and where the session ended. */
    record Outcome(int commits, String sqlState, int statementInTransaction) {
    }

    @AfterEach
    void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test
    void sigtermDrainsTransactionsCleanly() throws Exception {
        PostgresServer pg = Backends.postgres();
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS drain_log");
            s.execute("CREATE TABLE drain_log (client int, n int)");
        }
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "drain-");
        Path log = dataDir.resolve("gateway.log");
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort,
                ADMIN_TOKEN_VALUE);
        properties.put("portcullis.shutdown.delay", DELAY.toSeconds() + "s");
        properties.put("portcullis.shutdown.timeout", TIMEOUT.toSeconds() + "s");
        gateway = new ProcessBuilder(PackagedApplication.built().command(properties))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedApplication.awaitReady(gateway, httpPort, log, Duration.ofSeconds(60));
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        RequestSpecification api = RestAssured.given().baseUri("http://127.0.0.1").port(httpPort).auth()
                .oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON);
        api.body(Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(), "user", pg.scramUser(),
                "password", pg.scramPassword(), "poolSize", 8, "poolMode", "transaction"))
                .put("/api/v1/databases/drain").then().statusCode(201);
        RestAssured.given().baseUri("http://127.0.0.1").port(httpPort).auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON)
                .body(Map.of("password", "drain-pass")).put("/api/v1/users/drainer").then().statusCode(201);

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            outcomes.add(pool.submit(() -> runTransactions(wirePort, client)));
        }
        Thread.sleep(2_000);
        long signalled = System.nanoTime();
        gateway.destroy(); // SIGTERM
        Thread.sleep(300);
        assertEquals(503, PackagedApplication.httpStatus(http, ready), "readiness DOWN as soon as the drain starts");
        assertTrue(gateway.waitFor(DELAY.plus(TIMEOUT).toSeconds() + 15, TimeUnit.SECONDS), "the gateway exited");
        assertTrue(System.nanoTime() - signalled < DELAY.plus(TIMEOUT).plusSeconds(10).toNanos(), "exited within the drain time");
        assertTrue(java.nio.file.Files.readAllLines(log).stream().noneMatch(line -> line.contains("Undeploy failed")),
                "the stop logged a failed undeploy of the wire listener");

        Map<Integer, Integer> committed = new java.util.HashMap<>();
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT client, count(*) FROM drain_log GROUP BY client")) {
            while (rs.next()) {
                committed.put(rs.getInt(1), rs.getInt(2));
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            Outcome o = outcomes.get(i).get(30, TimeUnit.SECONDS);
            assertTrue(o.commits() > 0, "client " + i + " committed before the drain");
            assertEquals("57P01", o.sqlState(), "client " + i + " ended with 57P01: " + o);
            assertEquals(0, o.statementInTransaction(), "client " + i + " was not cut in the middle of a transaction: " + o);
            assertEquals(o.commits(), committed.getOrDefault(i, 0), "every commit client " + i + " saw is stored");
        }
        pool.shutdownNow();
    }

    private static Outcome runTransactions(int port, int client) {
        Properties props = new Properties();
        props.setProperty("user", "drainer");
        props.setProperty("password", "drain-pass");
        props.setProperty("sslmode", "require");
        props.setProperty("prepareThreshold", "0");
        props.setProperty("socketTimeout", "60");
        int commits = 0;
        int statement = 0;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/drain", props)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                while (true) {
                    statement = 0;
                    s.execute("INSERT INTO drain_log VALUES (" + client + ", " + commits + ")");
                    statement = 1;
                    s.execute("SELECT pg_sleep(0.02)");
                    statement = 2;
                    c.commit();
                    commits++;
                }
            }
        } catch (SQLException e) {
            return new Outcome(commits, e.getSQLState(), statement);
        }
    }

}
