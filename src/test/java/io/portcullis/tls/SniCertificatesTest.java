package io.portcullis.tls;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Certificates chosen by the client's TLS server name (issue 19 item 4): named certificates installed through
 * {@code /api/v1/tls/certificates/{name}} are served to clients whose SNI their DNS names cover (exact or one-label
 * wildcard), everyone else keeps the default certificate; psql's {@code verify-full} then works for each name on the
 * one port; a replacement applies to the next handshake while open sessions go on; keys are stored sealed.
 */
@QuarkusTest
class SniCertificatesTest {

    static final String DB = "sni_certs_pg";
    static final String USER = "sni_certs_client";
    static final String PASSWORD = "sni-certs-pass";
    private static TestPki.Issued ca;
    private static PostgresServer pg;

    @BeforeAll
    static void configure() throws Exception {
        ca = TestPki.ca("SNI Test CA");
        pg = Backends.postgres();
        // The name also routes here, whatever database a client names (SNI routing, SniRoutingTest).
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1,
                "sniHostnames", List.of("reports.example.test")));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    static Map<String, Object> upload(TestPki.Issued issued) throws Exception {
        return Map.of("certificateChainPem", issued.certificatePem() + TestPki.pem(ca.certificate()),
                "privateKeyPem", issued.keyPem());
    }

    @Test
    void eachServerNameGetsItsCertificateAndVerifyFullWorksForEach() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate defaultCertificate = ServedCertificate.read(port);
        TestPki.Issued analytics = TestPki.server(ca, "analytics", List.of("reports.example.test"), List.of());
        TestPki.Issued wild = TestPki.server(ca, "wild", List.of("*.wild.example.test"), List.of());
        admin().body(upload(analytics)).put("/api/v1/tls/certificates/analytics").then().log().ifValidationFails().statusCode(201)
                .body("dnsNames", equalTo(List.of("reports.example.test")));
        admin().body(upload(wild)).put("/api/v1/tls/certificates/wild").then().statusCode(201);
        admin().get("/api/v1/tls/certificates").then().statusCode(200).body("name", hasItem("analytics"))
                .body("name", hasItem("wild"));

        assertEquals(analytics.certificate(), ServedCertificate.read(port, "reports.example.test"));
        assertEquals(analytics.certificate(), ServedCertificate.read(port, "REPORTS.example.test"), "names are case-blind");
        assertEquals(wild.certificate(), ServedCertificate.read(port, "eu.wild.example.test"));
        assertEquals(defaultCertificate, ServedCertificate.read(port, "a.b.wild.example.test"), "a wildcard covers one label");
        assertEquals(defaultCertificate, ServedCertificate.read(port, "other.example.test"));
        assertEquals(defaultCertificate, ServedCertificate.read(port), "no SNI: the default");

        assertEquals(pg.scramUser(), psqlVerifyFull("reports.example.test", "some_other_name"), "its certificate and its database");
        assertEquals(pg.scramUser(), psqlVerifyFull("eu.wild.example.test", DB));
        String refused = psqlVerifyFull("other.example.test", DB);
        assertTrue(refused.contains("does not match host name") || refused.contains("certificate verify failed"),
                "the default certificate is not for that name: " + refused);

        String stored = Files.readString(GatewayClient.dataDir().resolve("config.json"), StandardCharsets.UTF_8);
        assertFalse(stored.contains(analytics.keyPem().trim().split("\n")[1]), "the key is stored sealed, never in clear");
        assertTrue(stored.contains("\"name\" : \"analytics\""), "the certificate is in the store");
    }

    @Test
    void aReplacementAppliesToTheNextHandshakeWhileOpenSessionsGoOnAndADeleteFallsBack() throws Exception {
        int port = GatewayClient.gatewayPort();
        TestPki.Issued first = TestPki.server(ca, "swap", List.of("swap.example.test"), List.of());
        admin().body(upload(first)).put("/api/v1/tls/certificates/swap").then().statusCode(201);
        try (Connection open = GatewayClient.connect(DB, USER, PASSWORD)) {
            TestPki.Issued second = TestPki.server(ca, "swap", List.of("swap.example.test"), List.of());
            admin().body(upload(second)).put("/api/v1/tls/certificates/swap").then().statusCode(200);
            assertEquals(second.certificate(), ServedCertificate.read(port, "swap.example.test"));
            assertTrue(open.isValid(5), "the open session goes on");
        }
        admin().delete("/api/v1/tls/certificates/swap").then().statusCode(204);
        assertNotEquals("swap", ServedCertificate.read(port, "swap.example.test").getSubjectX500Principal().getName()
                .replace("CN=", ""));
        assertEquals(ServedCertificate.read(port), ServedCertificate.read(port, "swap.example.test"));
        admin().delete("/api/v1/tls/certificates/swap").then().statusCode(404);
        admin().get("/api/v1/tls/certificates/swap").then().statusCode(404);
    }

    /**
     * A named RSA certificate beside the default EC one: a client that prefers ECDSA still gets the certificate for
     * its name (the engine asks again for RSA), not the default, which is for another name.
     */
    @Test
    void aNamedCertificateOfAnotherKeyTypeIsServedForItsName() throws Exception {
        int port = GatewayClient.gatewayPort();
        assertEquals("EC", ServedCertificate.read(port).getPublicKey().getAlgorithm(), "the default certificate is EC");
        TestPki.Issued rsa = TestPki.serverRsa(ca, "rsa", List.of("rsa.example.test"));
        admin().body(upload(rsa)).put("/api/v1/tls/certificates/rsa").then().statusCode(201);
        try {
            assertEquals(rsa.certificate(), ServedCertificate.read(port, "rsa.example.test"));
        } finally {
            admin().delete("/api/v1/tls/certificates/rsa").then().statusCode(204);
        }
    }

    @Test
    void unusableNamesAndCertificatesAreRefusedAndOnlyAdminsWrite() throws Exception {
        TestPki.Issued addressOnly = TestPki.server(ca, "address", List.of(), List.of("10.0.0.7"));
        admin().body(upload(addressOnly)).put("/api/v1/tls/certificates/address").then().statusCode(400)
                .body("detail", containsString("no DNS name"));
        TestPki.Issued ok = TestPki.server(ca, "ok", List.of("ok.example.test"), List.of());
        admin().body(upload(ok)).put("/api/v1/tls/certificates/Bad_Name").then().statusCode(400);
        TestPki.Issued other = TestPki.server(ca, "other", List.of("other-key.example.test"), List.of());
        admin().body(Map.of("certificateChainPem", ok.certificatePem(), "privateKeyPem", other.keyPem()))
                .put("/api/v1/tls/certificates/mismatch").then().statusCode(400);
        admin().body(Map.of("certificateChainPem", ok.certificatePem())).put("/api/v1/tls/certificates/nokey").then().statusCode(400);
        GatewayClient.api().contentType(ContentType.JSON).body(upload(ok)).put("/api/v1/tls/certificates/ok").then().statusCode(401);
    }

    private static String psqlVerifyFull(String serverName, String database) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql not installed");
        Path root = Files.createTempFile("sni-ca-", ".pem");
        Files.writeString(root, TestPki.pem(ca.certificate()));
        String conninfo = "host=" + serverName + " hostaddr=127.0.0.1 port=" + GatewayClient.gatewayPort() + " dbname=" + database
                + " user=" + USER + " sslmode=verify-full sslrootcert=" + root + " sslsni=1 connect_timeout=10";
        ProcessBuilder builder = new ProcessBuilder(List.of("psql", conninfo, "-At", "-c", "SELECT current_user"))
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
