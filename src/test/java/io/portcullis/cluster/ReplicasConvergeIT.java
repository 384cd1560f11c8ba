package io.portcullis.cluster;

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
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three packaged replicas on one PostgreSQL store: 100 changes written through two of them, and every replica's
 * {@code GET /api/v1/replicas} shows all three live, ready and on the newest stored version within 2 s of the last
 * write (issue 18 item 4). Then one stops gracefully and the others stop listing it at once.
 */
class ReplicasConvergeIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int CHANGES = 100;
    /** The promise: each replica's applied version is visible through any replica within 2 s. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(2);

    private final List<Process> gateways = new ArrayList<>();

    record Started(String name, Process process, int httpPort, Path log) {
    }

    @AfterEach
    void stop() {
        gateways.forEach(Process::destroyForcibly);
    }

    @Test
    void threeReplicasConvergeOnTheNewestVersionWithinTwoSeconds() throws Exception {
        PostgresServer pg = Backends.postgres();
        String table = "cfg_rep_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secretKey = Base64.getEncoder().encodeToString(key);
        List<Started> replicas = new ArrayList<>();
        for (String name : List.of("rep-a", "rep-b", "rep-c")) {
            replicas.add(start(name, pg, table, secretKey));
        }
        for (Started r : replicas) {
            PackagedApplication.awaitReady(r.process(), r.httpPort(), r.log(), START_TIMEOUT);
        }

        for (int i = 0; i < CHANGES; i++) {
            Started through = replicas.get(i % 2);
            api(through).body(Map.of("password", "converge-" + i)).put("/api/v1/users/conv" + i).then().statusCode(201);
        }
        long lastWrite = System.nanoTime();
        long newest = newestVersion(pg, table);
        assertTrue(newest >= CHANGES, "the store holds every change: " + newest);

        for (Started asked : replicas) {
            while (true) {
                List<Map<String, Object>> rows = api(asked).get("/api/v1/replicas").then().statusCode(200)
                        .extract().jsonPath().getList("$");
                boolean converged = rows.size() == 3 && rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("live"))
                        && Boolean.TRUE.equals(r.get("ready")) && ((Number) r.get("configVersion")).longValue() == newest);
                if (converged) {
                    assertEquals(List.of("rep-a", "rep-b", "rep-c"), rows.stream().map(r -> r.get("name")).toList());
                    System.out.printf("ReplicasConvergeIT: %s shows all 3 replicas on version %d %d ms after the last write%n",
                            asked.name(), newest, Duration.ofNanos(System.nanoTime() - lastWrite).toMillis());
                    break;
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - lastWrite);
                assertTrue(waited.compareTo(CONVERGENCE) < 0, "after " + waited.toMillis() + " ms " + asked.name()
                        + " shows " + rows + "; newest stored version " + newest);
                Thread.sleep(20);
            }
        }

        Started leaving = replicas.get(2);
        leaving.process().destroy(); // SIGTERM: the graceful stop deletes its row
        assertTrue(leaving.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "replica C stopped");
        List<Object> names = api(replicas.get(0)).get("/api/v1/replicas").then().statusCode(200)
                .extract().jsonPath().getList("name");
        assertEquals(List.of("rep-a", "rep-b"), names);
        String metrics = RestAssured.given().baseUri("http://127.0.0.1").port(replicas.get(1).httpPort())
                .get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("portcullis_config_version_applied " + (double) newest), metrics);
        assertTrue(metrics.contains("portcullis_config_store_up 1.0"), metrics);
    }

    private Started start(String name, PostgresServer pg, String table, String secretKey) throws Exception {
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "replica-" + name + "-");
        Path log = dataDir.resolve("gateway.log");
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort,
                ADMIN_TOKEN_VALUE);
        properties.put("portcullis.config.store", "postgresql");
        properties.put("portcullis.config.postgresql.url", pg.jdbcUrl(pg.database()));
        properties.put("portcullis.config.postgresql.table", table);
        properties.put("portcullis.replica.name", name);
        // Three replicas on one host: each its own peer port (ignored by a build without a peer listener).
        properties.put("portcullis.peer.host", "127.0.0.1");
        properties.put("portcullis.peer.port", String.valueOf(FreePorts.next()));
        properties.put("portcullis.shutdown.delay", "0s");
        properties.put("portcullis.shutdown.timeout", "2s");
        // Cheap verifiers: the test is about propagation, not hashing.
        properties.put("portcullis.auth.scram-iterations", "4096");
        ProcessBuilder builder = new ProcessBuilder(PackagedApplication.built().command(properties))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_USERNAME", pg.scramUser());
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD", pg.scramPassword());
        builder.environment().put("PORTCULLIS_SECRET_KEY", secretKey);
        Process process = builder.start();
        gateways.add(process);
        return new Started(name, process, httpPort, log);
    }

    private static RequestSpecification api(Started replica) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(replica.httpPort()).auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON);
    }

    private static long newestVersion(PostgresServer pg, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(pg.database()), pg.scramUser(), pg.scramPassword());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
