package io.portcullis.cluster;

import io.portcullis.testing.Backends;
import io.portcullis.testing.PackagedReplicas;
import io.portcullis.testing.PackagedReplicas.Replica;
import io.portcullis.testing.PostgresServer;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three packaged replicas on one PostgreSQL store: 100 changes written through two of them, and every replica's
 * {@code GET /api/v1/replicas} shows all three live, ready and on the newest stored version within 2 s of the last
 * write (issue 18 item 4). Then one stops gracefully and the others stop listing it at once.
 */
class ReplicasConvergeIT {

    private static final int CHANGES = 100;
    /** The promise: each replica's applied version is visible through any replica within 2 s. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(2);

    private PackagedReplicas cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeReplicasConvergeOnTheNewestVersionWithinTwoSeconds() throws Exception {
        PostgresServer pg = Backends.postgres();
        cluster = new PackagedReplicas(pg, "cfg_rep");
        String table = cluster.table();
        String secretKey = PackagedReplicas.newSecretKey();
        List<Replica> replicas = new ArrayList<>();
        for (String name : List.of("rep-a", "rep-b", "rep-c")) {
            replicas.add(cluster.start(name, secretKey, Map.of("portcullis.replica.name", name,
                    "portcullis.shutdown.timeout", "2s",
                    // Cheap verifiers: the test is about propagation, not hashing.
                    "portcullis.auth.scram-iterations", "4096")));
        }
        for (Replica r : replicas) {
            PackagedReplicas.awaitReady(r);
        }

        for (int i = 0; i < CHANGES; i++) {
            Replica through = replicas.get(i % 2);
            PackagedReplicas.api(through).body(Map.of("password", "converge-" + i)).put("/api/v1/users/conv" + i).then().statusCode(201);
        }
        long lastWrite = System.nanoTime();
        long newest = newestVersion(pg, table);
        assertTrue(newest >= CHANGES, "the store holds every change: " + newest);

        for (Replica asked : replicas) {
            while (true) {
                List<Map<String, Object>> rows = PackagedReplicas.api(asked).get("/api/v1/replicas").then().statusCode(200)
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

        Replica leaving = replicas.get(2);
        leaving.process().destroy(); // SIGTERM: the graceful stop deletes its row
        assertTrue(leaving.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "replica C stopped");
        List<Object> names = PackagedReplicas.api(replicas.get(0)).get("/api/v1/replicas").then().statusCode(200)
                .extract().jsonPath().getList("name");
        assertEquals(List.of("rep-a", "rep-b"), names);
        String metrics = RestAssured.given().baseUri("http://127.0.0.1").port(replicas.get(1).httpPort())
                .get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("portcullis_config_version_applied " + (double) newest), metrics);
        assertTrue(metrics.contains("portcullis_config_store_up 1.0"), metrics);
    }

    private static long newestVersion(PostgresServer pg, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(pg.database()), pg.scramUser(), pg.scramPassword());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
