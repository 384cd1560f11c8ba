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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PAUSE composes with the SIGTERM drain: a client waiting for a paused database and an admin console
 * session end with 57P01 when the drain starts, so the packaged gateway exits long before the drain
 * timeout instead of waiting for a RESUME that never comes.
 */
class PausedDrainIT {

    private static final String TOKEN = "paused-drain-token-0123456789";
    private static final Duration DELAY = Duration.ofSeconds(1);
    /** Long on purpose: the test fails if the drain waits for it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_WITHIN = DELAY.plusSeconds(10);

    private Process gateway;

    @AfterEach
    void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test
    void sigtermEndsClientsWaitingForAPausedDatabaseAtOnce() throws Exception {
        PostgresServer pg = Backends.postgres();
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "paused-drain-");
        Path log = dataDir.resolve("gateway.log");
        // Whichever artifact the build packaged: the native executable under -Dnative (a fixed path to the
        // fast-jar here used to test the JVM build there too).
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort, TOKEN);
        properties.put("portcullis.shutdown.delay", DELAY.toSeconds() + "s");
        properties.put("portcullis.shutdown.timeout", TIMEOUT.toSeconds() + "s");
        gateway = new ProcessBuilder(PackagedApplication.built().command(properties))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedApplication.awaitReady(gateway, httpPort, log, Duration.ofSeconds(60));
        RequestSpecification api = RestAssured.given().baseUri("http://127.0.0.1").port(httpPort).auth().oauth2(TOKEN)
                .contentType(ContentType.JSON);
        api.body(Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(), "user", pg.scramUser(),
                "password", pg.scramPassword(), "poolSize", 2, "poolMode", "transaction"))
                .put("/api/v1/databases/paused").then().statusCode(201);
        RestAssured.given().baseUri("http://127.0.0.1").port(httpPort).auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .body(Map.of("password", "paused-pass", "admin", true)).put("/api/v1/users/pauser").then().statusCode(201);

        try (Connection client = connect(wirePort, "paused", Map.of());
             Connection console = connect(wirePort, "pgbouncer", Map.of("preferQueryMode", "simple"))) {
            Statement s = client.createStatement();
            s.execute("SELECT 1");
            console.createStatement().execute("PAUSE paused");
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    s.execute("SELECT 2");
                    return "answered";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            assertThrows(TimeoutException.class, () -> waiting.get(1, TimeUnit.SECONDS), "the query waits for RESUME");

            long signalled = System.nanoTime();
            gateway.destroy(); // SIGTERM
            assertEquals("57P01", waiting.get(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS),
                    "the waiting client ended when the drain started");
            assertTrue(gateway.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS),
                    "the gateway exited without waiting for the " + TIMEOUT.toSeconds() + " s timeout; log: "
                            + Files.readString(log));
            assertTrue(System.nanoTime() - signalled < EXIT_WITHIN.toNanos());
            SQLException consoleEnded = assertThrows(SQLException.class, () -> console.createStatement().execute("SHOW POOLS"));
            assertTrue(consoleEnded.getSQLState() == null || consoleEnded.getSQLState().startsWith("57")
                    || consoleEnded.getSQLState().startsWith("08"), consoleEnded.toString());
        }
    }

    private static Connection connect(int port, String database, Map<String, String> extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "pauser");
        props.setProperty("password", "paused-pass");
        props.setProperty("sslmode", "require");
        props.setProperty("socketTimeout", "60");
        props.putAll(extra);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

}
