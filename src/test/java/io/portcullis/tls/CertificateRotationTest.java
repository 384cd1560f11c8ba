package io.portcullis.tls;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The certificate is rotated through the API while 50 clients hold TLS sessions and keep querying:
 * none is dropped, and new clients are served the new certificate.
 */
@QuarkusTest
class CertificateRotationTest {

    static final int CLIENTS = 50;

    @AfterAll
    static void restore() {
        TlsLifecycleTest.admin()
                .body("{\"commonName\":\"localhost\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\",\"::1\"],\"validDays\":30}")
                .post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
    }

    @Test
    void rotationUnderLoadDropsNoSession() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        // Transaction pooling: 50 sessions on 5 server connections, well inside QuestDB's connection limit.
        GatewayClient.putDatabase("rotate", Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 5, "poolMode", "transaction"));
        GatewayClient.putUser("rotator", Map.of("password", "rotate-pass"));
        Map<String, String> unnamed = Map.of("prepareThreshold", "0");

        List<Connection> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int i = 0; i < CLIENTS; i++) {
                sessions.add(GatewayClient.connect("rotate", "rotator", "rotate-pass", unnamed));
            }
            AtomicBoolean rotated = new AtomicBoolean();
            CountDownLatch running = new CountDownLatch(CLIENTS);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Connection c = sessions.get(i);
                int client = i;
                results.add(pool.submit(() -> {
                    int queries = 0;
                    running.countDown();
                    long end = Long.MAX_VALUE;
                    try (Statement s = c.createStatement()) {
                        while (System.nanoTime() < end) {
                            try (ResultSet rs = s.executeQuery("SELECT " + client)) {
                                rs.next();
                                assertEquals(client, rs.getInt(1));
                            }
                            queries++;
                            if (rotated.get() && end == Long.MAX_VALUE) {
                                end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500); // keep going after it
                            }
                        }
                    }
                    return queries;
                }));
            }
            assertTrue(running.await(30, TimeUnit.SECONDS));
            Thread.sleep(300);

            TestPki.Issued ca = TestPki.ca("Rotation CA");
            TestPki.Issued server = TestPki.server(ca, "localhost", Instant.now().minus(Duration.ofHours(1)),
                    Instant.now().plus(Duration.ofDays(10)));
            TlsLifecycleTest.admin().body(Map.of("certificateChainPem", server.certificatePem() + ca.certificatePem(),
                    "privateKeyPem", server.keyPem())).put("/api/v1/tls/certificate").then().statusCode(200);
            rotated.set(true);

            for (Future<Integer> r : results) {
                assertTrue(r.get(60, TimeUnit.SECONDS) > 0, "every session kept working across the rotation");
            }
            for (Connection c : sessions) {
                assertTrue(c.isValid(5), "no session was dropped");
            }
            assertEquals(TlsLifecycleTest.fingerprint(server.certificate()), TlsLifecycleTest.servedFingerprint(),
                    "new clients see the new certificate");
            try (Connection fresh = GatewayClient.connect("rotate", "rotator", "rotate-pass", unnamed);
                 Statement s = fresh.createStatement(); ResultSet rs = s.executeQuery("SELECT 99")) {
                assertTrue(rs.next());
                assertEquals(99, rs.getInt(1));
            }
        } finally {
            pool.shutdownNow();
            for (Connection c : sessions) {
                c.close();
            }
        }
    }
}
