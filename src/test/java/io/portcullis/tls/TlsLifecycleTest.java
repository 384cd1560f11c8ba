package io.portcullis.tls;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS lifecycle through {@code /api/v1/tls} against the running gateway: hot swap without
 * dropping sessions, rollback, CSR flow, client CA with verify-ca, certificate users. Every test
 * leaves the app as it found it (mode require, no client CA, a self-signed localhost certificate
 * in {@code data/tls/server.crt}), because all @QuarkusTest classes share one app.
 */
@QuarkusTest
class TlsLifecycleTest {

    static final String DB = "tlslife";
    static final String USER = "tlslife_user";
    static final String PASSWORD = "tlslife-pass";
    static final String CERT_USER = "certuser";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 4));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(CERT_USER, Map.of("auth", "cert"));
    }

    /** Back to what the other test classes expect. */
    @AfterAll
    static void restore() {
        admin().body("{\"mode\":\"require\"}").put("/api/v1/tls").then().statusCode(200);
        admin().delete("/api/v1/tls/client-ca");
        admin().body("{\"commonName\":\"localhost\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\",\"::1\"],\"validDays\":30}")
                .post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
    }

    static io.restassured.specification.RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    @Test
    void getShowsModeAndCertificateButNoKey() {
        Response response = admin().get("/api/v1/tls");
        response.then().statusCode(200)
                .header("ETag", notNullValue())
                .body("mode", equalTo("require"))
                .body("certificate.sha256Fingerprint", equalTo(servedFingerprint()))
                .body("certificateSource", equalTo("api"));
        assertTrue(!response.asString().contains("PRIVATE KEY"), "no key material");
    }

    @Test
    void viewerCannotWriteAndNoTokenIsRefused() {
        GatewayClient.api().contentType(ContentType.JSON).get("/api/v1/tls").then().statusCode(401);
        GatewayClient.api().contentType(ContentType.JSON).body("{\"mode\":\"allow\"}").put("/api/v1/tls").then().statusCode(401);
    }

    @Test
    void staleIfMatchIs412() {
        admin().header("If-Match", "\"1\"").body("{\"mode\":\"require\"}").put("/api/v1/tls")
                .then().statusCode(412).contentType("application/problem+json");
    }

    @Test
    void invalidSettingsAreExplained() {
        admin().body("{\"mode\":\"sometimes\"}").put("/api/v1/tls")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("verify-full"));
        admin().body("{\"protocols\":[\"TLSv1.1\"]}").put("/api/v1/tls")
                .then().statusCode(400).body("detail", containsString("TLSv1.1"));
        admin().body("{\"ciphers\":[\"NOT_A_CIPHER\"]}").put("/api/v1/tls")
                .then().statusCode(400).body("detail", containsString("NOT_A_CIPHER"));
        admin().body("{\"mode\":\"verify-ca\"}").put("/api/v1/tls")
                .then().statusCode(400).body("detail", containsString("client CA"));
    }

    @Test
    void hotSwapKeepsOpenSessionsAndServesTheNewCertificate() throws Exception {
        TestPki.Issued ca = TestPki.ca("Swap Test CA");
        TestPki.Issued server = TestPki.server(ca, "localhost", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(10)));
        try (Connection before = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertSelect(before, 1);
            admin().body(Map.of("certificateChainPem", server.certificatePem() + ca.certificatePem(),
                            "privateKeyPem", server.keyPem()))
                    .put("/api/v1/tls/certificate")
                    .then().statusCode(200)
                    .body("certificate.sha256Fingerprint", equalTo(fingerprint(server.certificate())));
            assertSelect(before, 2);
            assertEquals(fingerprint(server.certificate()), servedFingerprint());
            try (Connection after = GatewayClient.connect(DB, USER, PASSWORD)) {
                assertSelect(after, 3);
            }
            assertSelect(before, 4);
        }
    }

    /** The "expired certificate → readiness DOWN", end to end: the served certificate runs out. */
    @Test
    void expiringCertificateTakesReadinessDownWhenItRunsOut() throws Exception {
        TestPki.Issued ca = TestPki.ca("Short Lived CA");
        Instant notAfter = Instant.now().plusSeconds(4);
        TestPki.Issued shortLived = TestPki.server(ca, "localhost", Instant.now().minus(Duration.ofHours(1)), notAfter);
        try {
            admin().body(Map.of("certificateChainPem", shortLived.certificatePem() + ca.certificatePem(),
                    "privateKeyPem", shortLived.keyPem())).put("/api/v1/tls/certificate").then().statusCode(200);
            GatewayClient.api().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'tls-certificate' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'tls-certificate' }.data.expiresSoon", equalTo(true));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), notAfter).toMillis()) + 1_500);
            GatewayClient.api().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'tls-certificate' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'tls-certificate' }.data.problem", containsString("expired"));
            GatewayClient.api().get("/q/health/live").then().statusCode(200);
        } finally {
            admin().body("{\"commonName\":\"localhost\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\",\"::1\"],\"validDays\":30}")
                    .post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
        }
        GatewayClient.api().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void badCertificatesAreRefusedAndTheOldOneStays() throws Exception {
        String served = servedFingerprint();
        TestPki.Issued ca = TestPki.ca("Bad Test CA");
        Instant now = Instant.now();
        TestPki.Issued good = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued other = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued expired = TestPki.server(ca, "localhost", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));

        upload(good.certificatePem(), other.keyPem(), null).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("does not match"));
        upload(expired.certificatePem(), expired.keyPem(), null).then().statusCode(400)
                .body("detail", containsString("expired"));
        upload(good.certificatePem(), good.encryptedKeyPem("s3cret"), null).then().statusCode(400)
                .body("detail", containsString("encrypted"));
        upload(ca.certificatePem() + good.certificatePem(), good.keyPem(), null).then().statusCode(400)
                .body("detail", containsString("first"));
        assertEquals(served, servedFingerprint(), "the old certificate is still served");

        upload(good.certificatePem(), good.encryptedKeyPem("s3cret"), "s3cret").then().statusCode(200);
        assertEquals(fingerprint(good.certificate()), servedFingerprint());
    }

    @Test
    void csrSignedByACaIsInstalledWithoutKey() throws Exception {
        String csr = admin().body("{\"subject\":\"CN=localhost,O=Portcullis Test\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\"]}")
                .post("/api/v1/tls/csr").then().statusCode(200).extract().path("csrPem");
        assertTrue(csr.contains("BEGIN CERTIFICATE REQUEST"), csr);
        admin().get("/api/v1/tls").then().body("csrPending", equalTo(true));
        // The key waits sealed in the store (so any replica can complete the request), nowhere in plain text.
        assertFalse(Files.exists(GatewayClient.dataDir().resolve("tls").resolve("pending.key")));
        String stored = Files.readString(GatewayClient.dataDir().resolve("config.json"));
        assertTrue(stored.contains("\"sealedPendingKey\" : \"v2:") || stored.contains("\"sealedPendingKey\":\"v2:"), "sealed in the store");
        assertFalse(stored.contains("PRIVATE KEY"), "no key in plain text in the store");

        TestPki.Issued ca = TestPki.ca("CSR Test CA");
        String signed = TestPki.signCsr(ca, csr);
        upload(signed + ca.certificatePem(), null, "not-used").then().statusCode(400)
                .body("detail", containsString("passphrase applies to privateKeyPem, which was not sent"));
        admin().get("/api/v1/tls").then().body("csrPending", equalTo(true));
        admin().body(Map.of("certificateChainPem", signed + ca.certificatePem()))
                .put("/api/v1/tls/certificate")
                .then().statusCode(200).body("csrPending", equalTo(false))
                .body("certificate.subject", containsString("CN=localhost"));
        assertEquals(fingerprint(parse(signed)), servedFingerprint());
        upload(signed, null, null).then().statusCode(400).body("detail", containsString("no CSR is pending"));
    }

    @Test
    void verifyCaAndCertificateUsers(@TempDir Path dir) throws Exception {
        TestPki.Issued ca = TestPki.ca("Client Test CA");
        TestPki.Issued strangerCa = TestPki.ca("Stranger CA");
        Path[] certUser = TestPki.client(ca, CERT_USER).writeClientFiles(dir, "certuser");
        Path[] wrongName = TestPki.client(ca, "mallory").writeClientFiles(dir, "mallory");
        Path[] stranger = TestPki.client(strangerCa, CERT_USER).writeClientFiles(dir, "stranger");
        Path[] passwordUser = TestPki.client(ca, USER).writeClientFiles(dir, "passworduser");
        Path[] twoNames = TestPki.client(ca, new org.bouncycastle.asn1.x500.X500Name("CN=mallory,CN=" + CERT_USER))
                .writeClientFiles(dir, "twonames");
        Path[] twoNamesInOneRdn = TestPki.client(ca, new org.bouncycastle.asn1.x500.X500Name("CN=" + CERT_USER + "+CN=mallory"))
                .writeClientFiles(dir, "twonamesinonerdn");

        admin().body(Map.of("caPem", ca.certificatePem())).put("/api/v1/tls/client-ca").then().statusCode(200)
                .body("clientCa.certificates[0].subject", equalTo("CN=Client Test CA"));
        try {
            // auth cert under mode require: the certificate is the credential
            try (Connection c = GatewayClient.connect(DB, CERT_USER, "", clientCert(certUser))) {
                assertSelect(c, 5);
            }
            PSQLException wrong = assertThrows(PSQLException.class,
                    () -> GatewayClient.connect(DB, CERT_USER, "", clientCert(wrongName)));
            assertEquals("28000", wrong.getSQLState());
            assertTrue(wrong.getMessage().contains("mallory"), wrong.getMessage());
            for (Path[] ambiguous : List.of(twoNames, twoNamesInOneRdn)) {
                // A certificate naming two users names none: it would otherwise log in as either.
                PSQLException two = assertThrows(PSQLException.class,
                        () -> GatewayClient.connect(DB, CERT_USER, "", clientCert(ambiguous)).close());
                assertEquals("28000", two.getSQLState());
                assertTrue(two.getMessage().contains("exactly one"), two.getMessage());
            }
            PSQLException none = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, CERT_USER, ""));
            assertEquals("28000", none.getSQLState());
            PSQLException foreign = assertThrows(PSQLException.class,
                    () -> GatewayClient.connect(DB, CERT_USER, "", clientCert(stranger)));
            assertEquals("28000", foreign.getSQLState());

            admin().body("{\"mode\":\"verify-ca\"}").put("/api/v1/tls").then().statusCode(200).body("mode", equalTo("verify-ca"));
            admin().delete("/api/v1/tls/client-ca").then().statusCode(400);
            PSQLException noCert = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, USER, PASSWORD));
            assertEquals("28000", noCert.getSQLState());
            assertTrue(noCert.getMessage().contains("client certificate"), noCert.getMessage());
            try (Connection c = GatewayClient.connect(DB, USER, PASSWORD, clientCert(passwordUser))) {
                assertSelect(c, 6);
            }
        } finally {
            admin().body("{\"mode\":\"require\"}").put("/api/v1/tls").then().statusCode(200);
            admin().delete("/api/v1/tls/client-ca").then().statusCode(204);
        }
        admin().get("/api/v1/tls").then().body("clientCa", nullValue());
    }

    private static Map<String, String> clientCert(Path[] files) {
        return Map.of("sslcert", files[0].toString(), "sslkey", files[1].toString());
    }

    private static Response upload(String chain, String key, String passphrase) {
        StringBuilder json = new StringBuilder("{\"certificateChainPem\":").append(quote(chain));
        if (key != null) {
            json.append(",\"privateKeyPem\":").append(quote(key));
        }
        if (passphrase != null) {
            json.append(",\"passphrase\":").append(quote(passphrase));
        }
        return admin().body(json.append('}').toString()).put("/api/v1/tls/certificate");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n") + "\"";
    }

    private static void assertSelect(Connection c, int value) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + value)) {
            assertTrue(rs.next());
            assertEquals(value, rs.getInt(1));
        }
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    static String fingerprint(X509Certificate certificate) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /** The fingerprint of the certificate a new connection is served (SSLRequest, then a handshake that trusts anything). */
    static String servedFingerprint() {
        try {
            return fingerprint(ServedCertificate.read(GatewayClient.gatewayPort()));
        } catch (Exception e) {
            throw new AssertionError("cannot read the served certificate: " + e, e);
        }
    }
}
