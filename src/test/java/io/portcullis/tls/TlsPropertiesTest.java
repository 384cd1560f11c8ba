package io.portcullis.tls;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.Backends;
import io.portcullis.testing.NonDefaultProperties;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code portcullis.tls.engine=jdk} and {@code portcullis.tls.client-cert-user-from=san-email}, at the
 * values of {@link NonDefaultProperties}.
 */
@QuarkusTest
@TestProfile(NonDefaultProperties.class)
class TlsPropertiesTest {

    private static final String DB = "tlsprops_q";
    private static final String MAIL_USER = "certmail@portcullis.test";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        GatewayClient.putUser(MAIL_USER, Map.of("auth", "cert"));
    }

    /**
     * The engine is chosen once, at start, and logged; a TLS login works with it. OpenSSL loads in this
     * JVM (so the default, auto, would have picked it): the JDK engine is there because the property says so.
     */
    @Test
    void theJdkEngineServesWhenThePropertySaysSo() throws Exception {
        assumeTrue(TlsEngine.AUTO.resolve() == TlsEngine.OPENSSL,
                "OpenSSL does not load here, so auto would choose the JDK too and the property could not be told apart");
        assertTrue(ServedCertificate.read(GatewayClient.gatewayPort()).getSubjectX500Principal().getName().startsWith("CN="),
                "the listener serves TLS");
        Path log = Path.of(ConfigProvider.getConfig().getValue(NonDefaultProperties.LOG_FILE_KEY, String.class));
        List<String> engineLines = Files.readAllLines(log).stream().filter(l -> l.contains("client TLS engine:")).toList();
        assertEquals(1, engineLines.size(), engineLines.toString());
        assertTrue(engineLines.get(0).endsWith("client TLS engine: JDK"), engineLines.get(0));
        assertFalse(engineLines.get(0).contains("OpenSSL"), engineLines.get(0));
    }

    /**
     * san-email: a certificate user is named by the certificate's e-mail subjectAltName. A certificate whose
     * CN is the user name but which carries no such SAN is refused (under the default, cn, it would log in).
     */
    @Test
    void certificateUsersAreNamedByTheirEmailSubjectAltName(@TempDir Path dir) throws Exception {
        TestPki.Issued ca = TestPki.ca("Props Client CA");
        Path[] byEmail = TestPki.clientWithEmail(ca, "someone-else", MAIL_USER).writeClientFiles(dir, "by-email");
        Path[] byCn = TestPki.client(ca, MAIL_USER).writeClientFiles(dir, "by-cn");
        admin().body(Map.of("caPem", ca.certificatePem())).put("/api/v1/tls/client-ca").then().statusCode(200);
        try {
            try (Connection c = GatewayClient.connect(DB, MAIL_USER, "", files(byEmail));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 7")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
            PSQLException refused = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, MAIL_USER, "", files(byCn)).close());
            assertEquals("28000", refused.getSQLState(), refused.toString());
            assertTrue(refused.getMessage().contains("no san-email subjectAltName"), refused.getMessage());
        } finally {
            admin().delete("/api/v1/tls/client-ca").then().statusCode(204);
        }
    }

    /**
     * portcullis.tls.mode=prefer and portcullis.tls.protocols=TLSv1.3 are what the listener runs with when
     * nothing is stored: plain text is served (require would refuse it), a TLS 1.2-only client is refused
     * (the built-in list has TLS 1.2); {@code "protocols": []} through the API goes back to this property,
     * not to the built-in list.
     */
    @Test
    void theModeAndProtocolsPropertiesApplyWhenNothingIsStored() throws Exception {
        admin().get("/api/v1/tls").then().statusCode(200)
                .body("mode", org.hamcrest.Matchers.equalTo("prefer"))
                .body("protocols", org.hamcrest.Matchers.equalTo(List.of("TLSv1.3")));
        GatewayClient.putUser("tlsprops_pw", Map.of("password", "tlsprops-pass"));
        try (Connection plain = GatewayClient.connect(DB, "tlsprops_pw", "tlsprops-pass", Map.of("sslmode", "disable"))) {
            assertTrue(plain.isValid(5));
        }
        assertThrows(java.io.IOException.class, () -> handshakeOffering("TLSv1.2"));
        try {
            admin().body("{\"protocols\":[\"TLSv1.2\",\"TLSv1.3\"]}").put("/api/v1/tls").then().statusCode(200);
            assertEquals("TLSv1.2", handshakeOffering("TLSv1.2"), "the stored list wins over the property");
        } finally {
            admin().body("{\"protocols\":[]}").put("/api/v1/tls").then().statusCode(200)
                    .body("protocols", org.hamcrest.Matchers.equalTo(List.of("TLSv1.3")));
        }
        assertThrows(java.io.IOException.class, () -> handshakeOffering("TLSv1.2"), "[] is the property's list again");
    }

    /**
     * portcullis.tls.ciphers is the list in force when nothing is stored; a stored list wins over it, and
     * {@code "ciphers": []} goes back to it (as {@code "protocols": []} does), not to the built-in defaults.
     */
    @Test
    void theCiphersPropertyAppliesWhenNothingIsStoredAndAfterAnEmptyList() {
        List<String> property = List.of(NonDefaultProperties.CIPHERS.split(","));
        admin().get("/api/v1/tls").then().statusCode(200).body("ciphers", org.hamcrest.Matchers.equalTo(property));
        try {
            admin().body("{\"ciphers\":[\"TLS_AES_256_GCM_SHA384\"]}").put("/api/v1/tls").then().statusCode(200)
                    .body("ciphers", org.hamcrest.Matchers.equalTo(List.of("TLS_AES_256_GCM_SHA384")));
        } finally {
            admin().body("{\"ciphers\":[]}").put("/api/v1/tls").then().statusCode(200)
                    .body("ciphers", org.hamcrest.Matchers.equalTo(property));
        }
    }

    /** expiry-warning=400d: the certificate generated at start (397 days) already counts as expiring soon. */
    @Test
    void theExpiryWarningPropertyDecidesWhatExpiresSoon() {
        GatewayClient.api().get("/q/health/ready").then()
                .body("checks.find { it.name == 'tls-certificate' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'tls-certificate' }.data.expiryWarningDays", org.hamcrest.Matchers.equalTo(400))
                .body("checks.find { it.name == 'tls-certificate' }.data.expiresSoon", org.hamcrest.Matchers.equalTo(true));
    }

    private static String handshakeOffering(String... protocols) throws Exception {
        try (java.net.Socket plain = ServedCertificate.sslRequest(GatewayClient.gatewayPort());
             javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                     .createSocket(plain, "localhost", plain.getPort(), true)) {
            tls.setEnabledProtocols(protocols);
            tls.startHandshake();
            return tls.getSession().getProtocol();
        }
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static Map<String, String> files(Path[] files) {
        return Map.of("sslcert", files[0].toString(), "sslkey", files[1].toString());
    }

    /** The JDK engine (the native executable's) reports the client's SNI too, so a listed name routes. */
    @Test
    void theJdkEngineRoutesByServerName() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql not installed");
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("tlsprops_sni", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1,
                "sniHostnames", List.of("jdk-engine.example.test")));
        GatewayClient.putUser("tlsprops_sni_user", Map.of("password", "sni-pass-1"));
        ProcessBuilder builder = new ProcessBuilder(List.of("psql", "host=jdk-engine.example.test hostaddr=127.0.0.1 port="
                + GatewayClient.gatewayPort() + " dbname=no_such_database user=tlsprops_sni_user sslmode=require sslsni=1",
                "-At", "-c", "SELECT 40 + 2")).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", "sni-pass-1");
        Process p = builder.start();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals("42", out, "routed by the server name, not the database name");
    }

    /**
     * The JDK engine (the native executable's) chooses a named certificate by SNI too: the key manager asks its
     * handshake session for the requested name, as OpenSSL's does through Netty (SniCertificatesTest).
     */
    @Test
    void theJdkEngineServesNamedCertificatesByServerName() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate byDefault = ServedCertificate.read(port);
        TestPki.Issued ca = TestPki.ca("Props SNI CA");
        // RSA beside the default EC certificate: the JDK asks for ECDSA first, and must still get this one for its name.
        TestPki.Issued named = TestPki.serverRsa(ca, "jdk-named", List.of("*.jdk-named.example.test"));
        admin().body(Map.of("certificateChainPem", named.certificatePem(), "privateKeyPem", named.keyPem()))
                .put("/api/v1/tls/certificates/jdk-named").then().statusCode(201);
        try {
            assertEquals(named.certificate(), ServedCertificate.read(port, "db.jdk-named.example.test"));
            assertEquals(byDefault, ServedCertificate.read(port, "elsewhere.example.test"));
            assertEquals(byDefault, ServedCertificate.read(port));
        } finally {
            admin().delete("/api/v1/tls/certificates/jdk-named").then().statusCode(204);
        }
    }
}
