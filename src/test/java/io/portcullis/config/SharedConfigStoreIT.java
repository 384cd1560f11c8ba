package io.portcullis.config;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateways sharing one PostgreSQL config store, as replicas do in a cluster: a database and a
 * user created through replica A's REST API let a client in through replica B's wire port (B opens the backend
 * password A sealed, with the secret key they share), and a user deleted through B is refused by A. Each
 * replica has a data directory of its own: nothing reaches the other through files.
 */
class SharedConfigStoreIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** NOTIFY normally propagates within milliseconds; generous for a busy 2-core machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(15);

    private final List<Process> gateways = new ArrayList<>();

    record Replica(Process process, int wirePort, int httpPort, Path log) {
    }

    @AfterEach
    void stop() {
        gateways.forEach(Process::destroyForcibly);
    }

    @Test
    void aChangeThroughOneReplicaAppliesLiveOnTheOther() throws Exception {
        PostgresServer pg = Backends.postgres();
        String table = "cfg_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secretKey = Base64.getEncoder().encodeToString(key);

        Replica a = start("a", pg, table, secretKey);
        Replica b = start("b", pg, table, secretKey);
        awaitReady(a);
        awaitReady(b);

        api(a).body(Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(), "user", pg.scramUser(),
                "password", pg.scramPassword(), "poolSize", 4)).put("/api/v1/databases/shared").then().statusCode(201);
        api(a).body(Map.of("password", "replica-pass")).put("/api/v1/users/replicated").then().statusCode(201);

        assertEquals(1, awaitQuery(b.wirePort(), "replica-pass"), "a client got in through replica B");
        api(b).get("/api/v1/databases/shared").then().statusCode(200);
        String readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + b.httpPort() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(readiness.contains("\"store\": \"reachable\"") || readiness.contains("\"store\":\"reachable\""), readiness);

        api(b).delete("/api/v1/users/replicated").then().statusCode(204);
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        String refusal = null;
        while (refusal == null || !refusal.equals("28P01")) {
            assertTrue(System.nanoTime() < deadline, "replica A refused the deleted user; last outcome " + refusal);
            refusal = sqlStateOf(a.wirePort(), "replica-pass");
            Thread.sleep(100);
        }
        for (Replica r : List.of(a, b)) {
            String log = Files.readString(r.log());
            assertFalse(log.contains(pg.scramPassword()), "no store or backend password in the log of " + r);
            assertTrue(r.process().isAlive(), "replica still running");
        }
    }

    private Replica start(String name, PostgresServer pg, String table, String secretKey) throws Exception {
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "replica-" + name + "-");
        Path log = dataDir.resolve("gateway.log");
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort,
                ADMIN_TOKEN_VALUE);
        properties.put("portcullis.config.store", "postgresql");
        properties.put("portcullis.config.postgresql.url", pg.jdbcUrl(pg.database()));
        properties.put("portcullis.config.postgresql.table", table);
        properties.put("portcullis.shutdown.delay", "0s");
        ProcessBuilder builder = new ProcessBuilder(PackagedApplication.built().command(properties))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Secrets through the environment, as the deploy manifests pass them.
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_USERNAME", pg.scramUser());
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD", pg.scramPassword());
        builder.environment().put("PORTCULLIS_SECRET_KEY", secretKey);
        Process process = builder.start();
        gateways.add(process);
        return new Replica(process, wirePort, httpPort, log);
    }

    private static void awaitReady(Replica replica) throws Exception {
        PackagedApplication.awaitReady(replica.process(), replica.httpPort(), replica.log(), START_TIMEOUT);
    }

    private static RequestSpecification api(Replica replica) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(replica.httpPort()).auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON);
    }

    /** Retries until the replica knows the user (the change reaches it asynchronously), then runs one query. */
    private static int awaitQuery(int wirePort, String password) throws Exception {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(url(wirePort), properties(password));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                assertTrue(System.nanoTime() < deadline, "replica B accepted the user in time: " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    private static String sqlStateOf(int wirePort, String password) {
        try (Connection c = DriverManager.getConnection(url(wirePort), properties(password))) {
            return "connected";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static String url(int wirePort) {
        return "jdbc:postgresql://127.0.0.1:" + wirePort + "/shared";
    }

    private static Properties properties(String password) {
        Properties props = new Properties();
        props.setProperty("user", "replicated");
        props.setProperty("password", password);
        props.setProperty("sslmode", "require");
        props.setProperty("connectTimeout", "5");
        return props;
    }

    @Override
    public String toString() {
        return "SharedConfigStoreIT";
    }
}
