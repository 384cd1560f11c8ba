package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How clients reach TLS: SSLRequest, direct TLS, certificate verification, and refusal of plaintext. */
@QuarkusTest
class TlsNegotiationTest {

    static final String DB = "tlsdb";
    static final String USER = "tls_user";
    static final String PASSWORD = "tls-pass";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 4));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    private static void assertSelectWorks(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 7")) {
            assertTrue(rs.next());
            assertEquals(7, rs.getInt(1));
        }
    }

    @Test
    void verifyFullAgainstTheGeneratedCertificate() throws Exception {
        Map<String, String> verify = Map.of("sslmode", "verify-full",
                "sslrootcert", GatewayClient.serverCertificate().toString());
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD, verify)) {
            assertSelectWorks(c);
        }
    }

    @Test
    void directTlsWithoutSslRequest() throws Exception {
        Map<String, String> direct = Map.of("sslmode", "verify-full", "sslNegotiation", "direct",
                "sslrootcert", GatewayClient.serverCertificate().toString());
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD, direct)) {
            assertSelectWorks(c);
        }
    }

    @Test
    void plaintextIsRefusedWith28000() {
        PSQLException e = assertThrows(PSQLException.class,
                () -> GatewayClient.connect(DB, USER, PASSWORD, Map.of("sslmode", "disable")));
        assertEquals("28000", e.getSQLState());
        assertTrue(e.getMessage().contains("TLS required"), e.getMessage());
    }

    /** A TLS 1.2 handshake with the gateway offering only {@code cipher}: true when it completes. */
    private static boolean tls12HandshakeOffering(String cipher) throws Exception {
        int port = GatewayClient.gatewayPort();
        try (java.net.Socket plain = io.portcullis.testing.ServedCertificate.sslRequest(port);
             javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) io.portcullis.testing.ServedCertificate.trustingAnything()
                     .getSocketFactory().createSocket(plain, "localhost", port, true)) {
            tls.setEnabledProtocols(new String[] {"TLSv1.2"});
            tls.setEnabledCipherSuites(new String[] {cipher});
            tls.startHandshake();
            return cipher.equals(tls.getSession().getCipherSuite());
        } catch (javax.net.ssl.SSLException refused) {
            return false;
        }
    }

    /**
     * Unless configured otherwise the gateway offers TLS 1.2 only with ECDHE and an AEAD cipher (its certificate
     * is EC, so ECDSA suites): a CBC-SHA1 client is refused. The ciphers setting of PUT /tls still changes that.
     */
    @Test
    void tls12DefaultsRefuseCbcAndTheCiphersSettingStillWorks() throws Exception {
        String cbc = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
        String gcm = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        var admin = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(io.restassured.http.ContentType.JSON);
        java.util.List<String> shown = admin.get("/api/v1/tls").then().statusCode(200).extract().jsonPath().getList("ciphers");
        assertTrue(shown.contains(gcm) && shown.stream().noneMatch(c -> c.contains("CBC")), "GET /tls shows the defaults: " + shown);
        assertTrue(!tls12HandshakeOffering(cbc), "CBC with SHA-1 is refused");
        assertTrue(tls12HandshakeOffering(gcm), "ECDHE with AES-GCM is accepted");
        try {
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("ciphers", java.util.List.of(cbc, "TLS_AES_128_GCM_SHA256"))).put("/api/v1/tls")
                    .then().statusCode(200);
            assertTrue(tls12HandshakeOffering(cbc), "an operator may still allow it for an old client");
            assertTrue(!tls12HandshakeOffering(gcm), "and then only what is listed is offered");
        } finally {
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("ciphers", java.util.List.of())).put("/api/v1/tls").then().statusCode(200);
        }
        assertTrue(!tls12HandshakeOffering(cbc), "[] means the defaults again");
    }

    @Test
    void tls13IsNegotiated() throws Exception {
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertSelectWorks(c);
            assertTrue(c.unwrap(PGConnection.class).getParameterStatuses().containsKey("server_version"));
        }
    }

    @Test
    void unreachableBackendNamesDatabaseAndAddress() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        GatewayClient.putDatabase("downdb", Map.of("host", "127.0.0.1", "port", closedPort, "user", "admin",
                "password", "quest"));
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            PSQLException e = assertThrows(PSQLException.class, () -> GatewayClient.connect("downdb", USER, PASSWORD));
            assertEquals("08006", e.getSQLState());
            assertTrue(e.getMessage().contains("downdb") && e.getMessage().contains("127.0.0.1:" + closedPort),
                    e.getMessage());
            // No PgBouncer-style login lockout: every attempt fails fast.
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed fast");
        }
    }

    @Test
    void pythonStyleThreeDotTwoClientIsNegotiatedDown() throws Exception {
        // A 3.2 startup gets NegotiateProtocolVersion and the session goes on in 3.0.
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort())) {
            raw.startup(3, 2, Map.of("user", USER, "database", DB));
            assertEquals('v', raw.readType(), "NegotiateProtocolVersion first");
        }
    }
}
