package io.portcullis.config;

import io.portcullis.testing.Backends;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PackagedReplicas;
import io.portcullis.testing.PackagedReplicas.Replica;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.portcullis.testing.PackagedReplicas.api;
import static io.portcullis.testing.PackagedReplicas.awaitReady;
import static io.portcullis.testing.PackagedReplicas.newSecretKey;
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

    /** NOTIFY normally propagates within milliseconds; generous for a busy 2-core machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(15);

    private PackagedReplicas cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aChangeThroughOneReplicaAppliesLiveOnTheOther() throws Exception {
        PostgresServer pg = Backends.postgres();
        cluster = new PackagedReplicas(pg, "cfg_it");
        String secretKey = newSecretKey();

        Replica a = cluster.start("a", secretKey);
        Replica b = cluster.start("b", secretKey);
        awaitReady(a);
        awaitReady(b);

        createSharedDatabase(a, pg, 4);

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

    /**
     * Issue 18 item 1: one certificate for the whole gateway. Both replicas serve the certificate the first one
     * stored; an upload through A is served by B within 2 s while a session through B carries on; a CSR made
     * through B completes through A; a third replica whose secret key does not open the stored key is not ready
     * and says why.
     */
    @Test
    void everyReplicaServesTheCertificateInstalledThroughAny() throws Exception {
        PostgresServer pg = Backends.postgres();
        cluster = new PackagedReplicas(pg, "cfg_tls");
        String secretKey = newSecretKey();
        Replica a = cluster.start("a", secretKey);
        awaitReady(a);
        Replica b = cluster.start("b", secretKey);
        awaitReady(b);
        assertEquals(servedFingerprint(a), servedFingerprint(b), "B serves the certificate A stored at its first start");
        assertFalse(Files.exists(a.log().getParent().resolve("tls").resolve("server.key")), "no key file on A");
        assertFalse(Files.exists(b.log().getParent().resolve("tls").resolve("server.key")), "no key file on B");

        createSharedDatabase(a, pg, 2);
        awaitQuery(b.wirePort(), "replica-pass");
        try (Connection session = DriverManager.getConnection(url(b.wirePort()), properties("replica-pass"))) {
            TestPki.Issued ca = TestPki.ca("Replicated CA");
            Instant now = Instant.now();
            TestPki.Issued issued = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)));
            api(a).body(Map.of("certificateChainPem", issued.certificatePem() + ca.certificatePem(),
                    "privateKeyPem", issued.keyPem())).put("/api/v1/tls/certificate").then().statusCode(200);
            String uploaded = fingerprint(issued.certificate());
            assertEquals(uploaded, servedFingerprint(a));
            awaitServed(b, uploaded, Duration.ofSeconds(2));
            try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("SELECT 2")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1), "the session through B outlived the swap");
            }

            String csr = api(b).body(Map.of("subject", "CN=localhost", "subjectAltNames", List.of("localhost")))
                    .post("/api/v1/tls/csr").then().statusCode(200).extract().path("csrPem");
            api(a).get("/api/v1/tls").then().body("csrPending", org.hamcrest.Matchers.equalTo(true));
            String signed = TestPki.signCsr(ca, csr);
            api(a).body(Map.of("certificateChainPem", signed + ca.certificatePem())).put("/api/v1/tls/certificate")
                    .then().statusCode(200).body("csrPending", org.hamcrest.Matchers.equalTo(false));
            String completed = servedFingerprint(a);
            assertFalse(completed.equals(uploaded));
            awaitServed(b, completed, Duration.ofSeconds(2));
        }

        Replica stranger = cluster.start("c", newSecretKey());
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + stranger.httpPort() + "/q/health/ready");
        URI live = URI.create("http://127.0.0.1:" + stranger.httpPort() + "/q/health/live");
        long deadline = System.nanoTime() + PackagedReplicas.START_TIMEOUT.toNanos();
        while (PackagedApplication.httpStatus(http, live) != 200) {
            assertTrue(System.nanoTime() < deadline && stranger.process().isAlive(), Files.readString(stranger.log()));
            Thread.sleep(200);
        }
        assertEquals(503, PackagedApplication.httpStatus(http, ready), "a replica that cannot serve the stored certificate is not ready");
        String log = Files.readString(stranger.log());
        assertTrue(log.contains("cannot be served") && log.contains(SettingNames.SECRET_KEY), log);
        for (Replica r : List.of(a, b, stranger)) {
            String text = Files.readString(r.log());
            assertFalse(text.contains("PRIVATE KEY"), "no key in the log of " + r);
            assertFalse(text.contains("observer failed"), "every change applied on " + r + ": " + text);
        }
    }

    /**
     * Issue 18 item 2: a CancelRequest that reaches another replica than its session's is forwarded to the owner.
     * A pg_sleep through A, its key sent to B, ends with 57014 within 1 s; a forged key sent to B does nothing;
     * with A gone, B drops the cancel at once and logs it.
     */
    @Test
    void aCancelSentToAnyReplicaReachesTheSessionsOwner() throws Exception {
        PostgresServer pg = Backends.postgres();
        String secretKey = newSecretKey();
        Replica[] ab = twoReplicasSharingADatabase(pg, "cfg_cancel", secretKey);
        Replica a = ab[0];
        Replica b = ab[1];
        int peerOfA = api(a).get("/api/v1/replicas").then().statusCode(200).extract().jsonPath()
                .getInt("find { it.self == true }.peerId");
        assertPeerPortAnswersStrangersNothing(b);

        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection session = DriverManager.getConnection(url(a.wirePort()), properties("replica-pass"))) {
            int pid = cancelKeyField(session, "cancelPid");
            byte[] secret = cancelKeyField(session, "cancelKey");
            assertEquals(peerOfA, io.portcullis.peer.CancelKeys.peerOf(pid), "A's process ids name A");

            java.util.concurrent.Future<String> sleep = runner.submit(() -> {
                try (Statement s = session.createStatement()) {
                    s.execute("SELECT pg_sleep(20)");
                    return "completed";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(500);
            byte[] forged = secret.clone();
            forged[3] ^= 1;
            sendCancel(b.wirePort(), pid, forged);
            Thread.sleep(1500);
            assertFalse(sleep.isDone(), "a forged key sent to B cancelled nothing");

            long sent = System.nanoTime();
            sendCancel(b.wirePort(), pid, secret);
            String outcome = sleep.get(5, java.util.concurrent.TimeUnit.SECONDS);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertEquals("57014", outcome, "the query through A was cancelled by the key sent to B");
            assertTrue(millis <= 1000, "cancelled " + millis + " ms after the key reached B");

            a.process().destroyForcibly().waitFor();
            sendCancel(b.wirePort(), pid, secret);
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!Files.readString(b.log()).contains("was dropped")) {
                assertTrue(System.nanoTime() < deadline, "B logged the cancel it could not forward");
                Thread.sleep(100);
            }
        } catch (SQLException closedWithA) {
            // The connection to A ends with A; everything asserted happened before.
            assertTrue(Files.readString(b.log()).contains("was dropped"), closedWithA.toString());
        } finally {
            runner.shutdownNow();
        }
        assertTrue(b.process().isAlive());
    }

    /**
     * Issue 18 item 3: a disable or pause through one replica holds every replica, and one that starts later; the
     * answer lists each replica's outcome; enable through another lifts it everywhere.
     */
    @Test
    void aPauseOrDisableThroughOneReplicaHoldsEveryReplicaAndOneStartedLater() throws Exception {
        PostgresServer pg = Backends.postgres();
        String secretKey = newSecretKey();
        Replica[] ab = twoReplicasSharingADatabase(pg, "cfg_hold", secretKey);
        Replica a = ab[0];
        Replica b = ab[1];

        List<Map<String, Object>> outcome = api(a).post("/api/v1/pools/shared/disable").then().statusCode(200)
                .body("pool.disabled", org.hamcrest.Matchers.equalTo(true)).extract().jsonPath().getList("replicas");
        assertEquals(2, outcome.size(), outcome.toString());
        assertTrue(outcome.stream().allMatch(r -> Boolean.TRUE.equals(r.get("applied"))), outcome.toString());
        assertEquals("57P03", sqlStateOf(b.wirePort(), "replica-pass"), "B refuses new logins");

        api(a).post("/api/v1/pools/shared/pause").then().statusCode(200).body("pool.paused", org.hamcrest.Matchers.equalTo(true));
        api(b).get("/api/v1/pools").then().statusCode(200)
                .body("find { it.database == 'shared' }.paused", org.hamcrest.Matchers.equalTo(true));

        Replica late = cluster.start("c", secretKey);
        awaitReady(late);
        assertEquals("57P03", sqlStateOf(late.wirePort(), "replica-pass"), "a replica started later honours the disable");
        api(late).post("/api/v1/pools/shared/resume").then().statusCode(200)
                .body("pool.paused", org.hamcrest.Matchers.equalTo(false)).body("replicas.size()", org.hamcrest.Matchers.equalTo(3));
        api(b).post("/api/v1/pools/shared/enable").then().statusCode(200)
                .body("replicas.findAll { it.applied }.size()", org.hamcrest.Matchers.equalTo(3));
        for (Replica r : List.of(a, b, late)) {
            assertEquals(1, awaitQuery(r.wirePort(), "replica-pass"), "logins work again on " + r);
        }

        // One-shot controls and lists for the whole gateway, over the peer channel.
        String nameOfB = api(b).get("/api/v1/replicas").then().extract().jsonPath().getString("find { it.self == true }.name");
        try (Connection onB = DriverManager.getConnection(url(b.wirePort()), properties("replica-pass"));
             Connection onA = DriverManager.getConnection(url(a.wirePort()), properties("replica-pass"))) {
            int pid = cancelKeyField(onB, "cancelPid");
            List<Map<String, Object>> clients = api(a).get("/api/v1/clients?replica=all").then().statusCode(200)
                    .extract().jsonPath().getList("");
            assertTrue(clients.stream().anyMatch(c -> nameOfB.equals(c.get("replica")) && Integer.valueOf(pid).equals(c.get("id"))),
                    "A lists B's session: " + clients);
            api(a).get("/api/v1/clients?replica=" + nameOfB).then().statusCode(200)
                    .body("replica", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo(nameOfB)));
            api(a).get("/api/v1/clients?replica=nobody").then().statusCode(404);
            api(a).post("/api/v1/pools/shared/reconnect").then().statusCode(200)
                    .body("replicas.findAll { it.applied }.size()", org.hamcrest.Matchers.equalTo(3));

            api(a).delete("/api/v1/clients/" + pid).then().statusCode(204);
            assertEnds(onB, "the session on B ended through A");
            api(a).delete("/api/v1/clients/" + pid).then().statusCode(404);

            api(late).post("/api/v1/pools/shared/kill").then().statusCode(200)
                    .body("replicas.findAll { it.applied }.size()", org.hamcrest.Matchers.equalTo(3));
            assertEnds(onA, "the kill through C ended the session on A");
        }
        api(b).post("/api/v1/pools/shared/resume").then().statusCode(200)
                .body("replicas.findAll { it.applied }.size()", org.hamcrest.Matchers.equalTo(3));
        assertEquals(1, awaitQuery(a.wirePort(), "replica-pass"), "A serves again after the resume through B");

        // ?replica= targets one replica, in its memory only.
        api(a).post("/api/v1/pools/shared/disable?replica=" + nameOfB).then().statusCode(200)
                .body("replicas.size()", org.hamcrest.Matchers.equalTo(1)).body("replicas[0].applied", org.hamcrest.Matchers.equalTo(true));
        assertEquals("57P03", sqlStateOf(b.wirePort(), "replica-pass"), "B alone refuses logins");
        assertEquals("connected", sqlStateOf(a.wirePort(), "replica-pass"), "A is not disabled");
        assertEquals("connected", sqlStateOf(late.wirePort(), "replica-pass"), "nor C: nothing was stored");
        api(late).post("/api/v1/pools/shared/enable?replica=" + nameOfB).then().statusCode(200);
        assertEquals("connected", sqlStateOf(b.wirePort(), "replica-pass"));
        api(a).post("/api/v1/pools/shared/pause?replica=nobody").then().statusCode(404);
    }

    private static void assertEnds(Connection session, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement s = session.createStatement()) {
                s.execute("SELECT 1");
            } catch (SQLException ended) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what);
    }

    /** Replicas a and b on a table of their own, ready, database "shared" created through a and known to b. */
    private Replica[] twoReplicasSharingADatabase(PostgresServer pg, String tablePrefix, String secretKey) throws Exception {
        cluster = new PackagedReplicas(pg, tablePrefix);
        Replica a = cluster.start("a", secretKey);
        Replica b = cluster.start("b", secretKey);
        awaitReady(a);
        awaitReady(b);
        createSharedDatabase(a, pg, 2);
        awaitQuery(b.wirePort(), "replica-pass");
        return new Replica[] {a, b};
    }

    /** Database "shared" on the PostgreSQL backend and user "replicated" (password replica-pass), through {@code replica}. */
    private static void createSharedDatabase(Replica replica, PostgresServer pg, int poolSize) {
        api(replica).body(Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(), "user", pg.scramUser(),
                "password", pg.scramPassword(), "poolSize", poolSize)).put("/api/v1/databases/shared").then().statusCode(201);
        api(replica).body(Map.of("password", "replica-pass")).put("/api/v1/users/replicated").then().statusCode(201);
    }

    /**
     * The peer port, from someone without the shared key: a message-sized blob of noise, a header claiming a
     * gigabyte, and a client that sends nothing are each closed unanswered (the last within the 2 s read limit),
     * and the replica carries on.
     */
    private static void assertPeerPortAnswersStrangersNothing(Replica replica) throws Exception {
        byte[] noise = new byte[53];
        new java.security.SecureRandom().nextBytes(noise);
        byte[] hugeRequest = java.nio.ByteBuffer.allocate(29).put(new byte[] {'P', 'C', 'P', 1}).put((byte) 2)
                .putLong(System.currentTimeMillis()).put(new byte[12]).putInt(1 << 30).array();
        for (byte[] sent : List.of(noise, hugeRequest, new byte[0])) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", replica.peerPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(sent);
                socket.getOutputStream().flush();
                long started = System.nanoTime();
                assertEquals(-1, socket.getInputStream().read(), "closed without an answer");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 3000, "closed after " + millis + " ms");
            }
        }
        assertTrue(replica.process().isAlive());
        api(replica).get("/api/v1/replicas").then().statusCode(200);
    }

    /** The cancel key pgJDBC got in BackendKeyData (not public API: read from its query executor). */
    @SuppressWarnings("unchecked")
    private static <T> T cancelKeyField(Connection connection, String field) throws Exception {
        Object executor = connection.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
        java.lang.reflect.Field f = org.postgresql.core.QueryExecutorBase.class.getDeclaredField(field);
        f.setAccessible(true);
        return (T) f.get(executor);
    }

    /** A CancelRequest in clear, as libpq and pgJDBC send one: on a connection of its own, no answer. */
    private static void sendCancel(int wirePort, int pid, byte[] secret) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", wirePort)) {
            java.nio.ByteBuffer request = java.nio.ByteBuffer.allocate(12 + secret.length);
            request.putInt(12 + secret.length).putInt(80877102).putInt(pid).put(secret);
            socket.getOutputStream().write(request.array());
            socket.getOutputStream().flush();
            socket.setSoTimeout(2000);
            socket.getInputStream().read(); // the gateway closes it once routed
        }
    }


    private static String servedFingerprint(Replica replica) throws Exception {
        return fingerprint(ServedCertificate.read(replica.wirePort()));
    }

    private static String fingerprint(java.security.cert.X509Certificate certificate) throws Exception {
        return io.portcullis.tls.CertificateInfo.of(certificate).sha256Fingerprint();
    }

    /** Polls the wire port until it serves {@code fingerprint}; fails after {@code within}. */
    private static void awaitServed(Replica replica, String fingerprint, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String served = null;
        while (System.nanoTime() < deadline) {
            try {
                served = servedFingerprint(replica);
            } catch (Exception e) {
                served = e.toString(); // a handshake in the instant of the swap; retried
            }
            if (fingerprint.equals(served)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replica served " + served + ", not " + fingerprint + ", " + within.toMillis() + " ms after the change");
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
