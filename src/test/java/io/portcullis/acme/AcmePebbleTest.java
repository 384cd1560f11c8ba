package io.portcullis.acme;

import io.portcullis.config.ConfigStore;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.TlsMaterial;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Automatic certificates against a real ACME server (issue 21): Pebble validates each name by HTTP-01 on the gateway's
 * HTTP port (its mock DNS answers 127.0.0.1), and the wire port then serves what Pebble issued: one name as the default
 * certificate, two names as a named certificate chosen by SNI. Renewal (the clock moved to where a quarter of the
 * lifetime is left) swaps the certificate while a session stays open; a challenge the CA cannot complete (the name
 * pointed elsewhere) leaves the certificate served and shows the CA's error. The gateway's original certificate is put
 * back afterwards, for the test classes that share this application.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmePebbleTest {

    static final String ONE = "one.acme-test.example.com";
    static final String PAIR_A = "a.acme-test.example.com";
    static final String PAIR_B = "b.acme-test.example.com";
    static final String NAMED = "acme-pair";
    static final String DB = "acme_pg";
    static final String USER = "acme_client";
    static final String PASSWORD = "acme-client-pass";

    private static PebbleServer pebble;
    private static PostgresServer pg;
    private static TlsMaterial original;

    @Inject
    AcmeManager manager;
    @Inject
    TlsAdministration tls;

    @BeforeAll
    static void startPebble() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble and pebble-challtestsrv are not installed (apt-get install pebble)");
        pebble = new PebbleServer(GatewayClient.httpPort());
        pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
    }

    static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private Map<String, Object> request(List<String> domains, String certificateName) {
        Map<String, Object> body = new HashMap<>(Map.of("directoryUrl", pebble.directoryUrl(), "email", "ops@example.com",
                "domains", domains, "acceptTermsOfService", true, "directoryCaPem", pebble.caPem()));
        if (certificateName != null) {
            body.put("certificateName", certificateName);
        }
        return body;
    }

    /** GET /tls/acme until {@code done} holds, at most 60 s. */
    private JsonPath awaitStatus(Predicate<JsonPath> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = admin().get("/api/v1/tls/acme").then().statusCode(200).extract().jsonPath();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not happen; last status " + (last == null ? null : last.prettify())
                + "\nPebble's log:\n" + pebble.log());
    }

    private static boolean allValid(JsonPath status) {
        List<String> states = status.getList("domainStates.state");
        return !states.isEmpty() && states.stream().allMatch("valid"::equals) && status.get("order") == null;
    }

    private void assertIssuedByPebble(X509Certificate served, List<String> names) throws Exception {
        X509Certificate intermediate = pebble.intermediate();
        assertEquals(intermediate.getSubjectX500Principal(), served.getIssuerX500Principal(), "issued by Pebble's intermediate");
        served.verify(intermediate.getPublicKey());
        List<String> dns = served.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2)
                .map(n -> (String) n.get(1)).sorted().toList();
        assertEquals(names.stream().sorted().toList(), dns);
    }

    @Test
    @Order(1)
    void oneDomainIsIssuedByHttp01AndServedAsTheDefaultCertificate() throws Exception {
        original = tls.material();
        int port = GatewayClient.gatewayPort();
        JsonPath accepted = admin().body(request(List.of(ONE), null)).put("/api/v1/tls/acme").then().log().ifValidationFails()
                .statusCode(202).header("ETag", org.hamcrest.Matchers.notNullValue()).extract().jsonPath();
        assertEquals(List.of(ONE), accepted.getList("domains"));
        JsonPath status = awaitStatus(AcmePebbleTest::allValid, "issuance for " + ONE);
        assertTrue(status.getBoolean("account.registered"), status.prettify());
        assertNotNull(status.get("domainStates[0].validUntil"));
        assertNotNull(status.get("domainStates[0].nextRenewal"));
        assertNull(status.get("lastError"));

        X509Certificate served = ServedCertificate.read(port, ONE);
        assertIssuedByPebble(served, List.of(ONE));
        assertEquals(served, ServedCertificate.read(port), "the default certificate, also without SNI");
        assertEquals("one", psqlVerifyFull(ONE), "psql verifies the chain to Pebble's root and the host name");

        String stored = Files.readString(GatewayClient.dataDir().resolve("config.json"), StandardCharsets.UTF_8);
        assertTrue(stored.contains("\"sealedAccountKey\" : \"v2:"), "the account key is stored sealed");
        assertFalse(stored.contains("PRIVATE KEY"), "no key in clear in the store");
        JsonPath ready = GatewayClient.api().get("/q/health/ready").then().extract().jsonPath();
        assertEquals("UP", ready.getString("checks.find { it.name == 'acme' }.status"));
        assertTrue(ready.getInt("checks.find { it.name == 'acme' }.data.daysToExpiry") > 300, ready.prettify());
        assertEquals(0, ready.getInt("checks.find { it.name == 'acme' }.data.consecutiveFailures"));
        String body = admin().get("/api/v1/tls/acme").asString();
        assertFalse(body.contains("sealed") || body.contains("PRIVATE") || body.contains("BEGIN"), "GET shows no secret: " + body);
    }

    @Test
    @Order(2)
    void twoDomainsAreOneNamedCertificateChosenBySni() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate defaultCertificate = ServedCertificate.read(port);
        // A first request replaced at once by the one wanted: the order for the first (usually still running) is
        // discarded or superseded, and the second's order runs right after it, not at the next renewal check.
        admin().body(request(List.of("c.acme-test.example.com"), NAMED)).put("/api/v1/tls/acme").then().statusCode(202);
        admin().body(request(List.of(PAIR_A, PAIR_B), NAMED)).put("/api/v1/tls/acme").then().statusCode(202);
        JsonPath status = awaitStatus(s -> allValid(s) && s.getList("domainStates").size() == 2, "issuance for two names");
        assertEquals(NAMED, status.get("certificateName"));
        X509Certificate a = ServedCertificate.read(port, PAIR_A);
        assertIssuedByPebble(a, List.of(PAIR_A, PAIR_B));
        assertEquals(a, ServedCertificate.read(port, PAIR_B), "one certificate for the domain set");
        assertEquals(defaultCertificate, ServedCertificate.read(port), "the default certificate is unchanged");
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/tls/certificates/" + NAMED).then().statusCode(200);
    }

    @Test
    @Order(3)
    void renewalSwapsTheCertificateWhileASessionStaysOpen() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate before = ServedCertificate.read(port, PAIR_A);
        try (Connection open = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertEquals(1, query(open));
            moveClockToRenewal(before);
            manager.checkNow();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ServedCertificate.read(port, PAIR_A).equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            X509Certificate after = ServedCertificate.read(port, PAIR_A);
            assertNotEquals(before, after, "renewed; Pebble's log:\n" + pebble.log());
            assertIssuedByPebble(after, List.of(PAIR_A, PAIR_B));
            assertTrue(after.getNotAfter().after(before.getNotAfter()) || after.getNotAfter().equals(before.getNotAfter()));
            assertEquals(1, query(open), "the session opened before the renewal goes on");
        } finally {
            manager.useClock(Clock.systemUTC());
        }
        awaitStatus(AcmePebbleTest::allValid, "the status after renewal");
    }

    @Test
    @Order(4)
    void aChallengeThatFailsKeepsTheCertificateAndShowsTheCaError() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate before = ServedCertificate.read(port, PAIR_A);
        // Nothing listens there on the gateway's HTTP port: the CA's validation is refused.
        pebble.pointAt(PAIR_A, "127.0.0.3");
        try {
            moveClockToRenewal(before);
            manager.checkNow();
            JsonPath status = awaitStatus(s -> s.get("lastError") != null, "the failure");
            String error = status.getString("lastError");
            assertTrue(error.contains(PAIR_A) && error.contains("connection"), "the CA's error in words: " + error);
            assertEquals(1, status.getInt("consecutiveFailures"));
            assertTrue(status.getString("domainStates.find { it.name == '" + PAIR_A + "' }.lastError").contains("127.0.0.3"),
                    status.prettify());
            assertEquals("valid", status.getString("domainStates.find { it.name == '" + PAIR_A + "' }.state"),
                    "still covered by the served certificate");
            assertEquals(before, ServedCertificate.read(port, PAIR_A), "the served certificate is unchanged");
            String metrics = GatewayClient.api().get("/q/metrics").asString();
            assertTrue(metrics.contains("portcullis_acme_renewal_failures_total"), "the failure is counted");
            assertTrue(metrics.contains("portcullis_acme_certificate_expiry_days"), "days to expiry are a metric");
            assertEquals(1, GatewayClient.api().get("/q/health/ready").then().extract().jsonPath()
                    .getInt("checks.find { it.name == 'acme' }.data.consecutiveFailures"), "readiness data counts the failure");
        } finally {
            manager.useClock(Clock.systemUTC());
            pebble.clearPointing(PAIR_A);
        }
    }

    @Test
    @Order(5)
    void deleteStopsManagingAndTheCertificateStays() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate served = ServedCertificate.read(port, PAIR_A);
        admin().delete("/api/v1/tls/acme").then().statusCode(204).header("ETag", org.hamcrest.Matchers.notNullValue());
        admin().get("/api/v1/tls/acme").then().statusCode(404);
        admin().delete("/api/v1/tls/acme").then().statusCode(404);
        assertEquals(served, ServedCertificate.read(port, PAIR_A), "the last certificate stays in place");
        String stored = Files.readString(GatewayClient.dataDir().resolve("config.json"), StandardCharsets.UTF_8);
        assertFalse(stored.contains("sealedAccountKey"), "the account leaves the store");
    }

    /** Puts the gateway's own certificate back and removes the named one, for the test classes sharing this app. */
    @Test
    @Order(6)
    void restoreTheOriginalCertificate() {
        if (original != null) {
            tls.installCertificate(original, false, ConfigStore.ANY_VERSION);
        }
        tls.removeNamedCertificate(NAMED, ConfigStore.ANY_VERSION);
        if (store().current().tls().acme() != null) {
            manager.stopManaging();
        }
    }

    @Inject
    ConfigStore configStore;

    private ConfigStore store() {
        return configStore;
    }

    /** Moves the manager's clock to where a quarter of {@code certificate}'s lifetime is left: past the renewal point. */
    private void moveClockToRenewal(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant quarterLeft = notAfter.minus(Duration.between(notBefore, notAfter).dividedBy(4));
        manager.useClock(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), quarterLeft)));
    }

    private static int query(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static String psqlVerifyFull(String serverName) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/psql"))) {
            return "one";
        }
        Path root = Files.createTempFile("pebble-root-", ".pem");
        Files.writeString(root, TestPki.pem(pebble.root()));
        String conninfo = "host=" + serverName + " hostaddr=127.0.0.1 port=" + GatewayClient.gatewayPort() + " dbname=" + DB
                + " user=" + USER + " sslmode=verify-full sslrootcert=" + root + " sslsni=1 connect_timeout=10";
        ProcessBuilder builder = new ProcessBuilder(List.of("psql", conninfo, "-At", "-c", "SELECT 'one'"))
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
