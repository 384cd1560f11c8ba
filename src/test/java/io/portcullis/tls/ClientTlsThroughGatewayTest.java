package io.portcullis.tls;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.Backends;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client TLS settings of {@code PUT /api/v1/tls} through the running gateway: each mode as a client meets
 * it (SSLRequest answer, plain-text and TLS logins, direct TLS, client certificates), and the protocol list
 * swapped live. Every test puts back mode {@code require}, the property's protocols and no client CA: all
 * {@code @QuarkusTest} classes share one application.
 */
@QuarkusTest
class ClientTlsThroughGatewayTest {

    private static final String DB = "tlsmodes_q";
    private static final String USER = "tlsmodes_user";
    private static final String PASSWORD = "tlsmodes-pass";
    /** PostgreSQL's SSLRequest code. */
    private static final int SSL_REQUEST_CODE = 80877103;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void restore() {
        admin().body("{\"mode\":\"require\",\"protocols\":[]}").put("/api/v1/tls").then().statusCode(200);
        admin().delete("/api/v1/tls/client-ca");
    }

    private static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static void putTls(String json) {
        admin().body(json).put("/api/v1/tls").then().statusCode(200);
    }

    private static void assertSelect(Connection c, int value) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + value)) {
            assertTrue(rs.next());
            assertEquals(value, rs.getInt(1));
        }
    }

    private static Connection login(String sslmode) throws SQLException {
        return GatewayClient.connect(DB, USER, PASSWORD, Map.of("sslmode", sslmode));
    }

    /** Sends SSLRequest and returns the one-byte answer ('S' or 'N'). */
    private static char sslRequestAnswer() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            return (char) socket.getInputStream().read();
        }
    }

    /** A TLS handshake after SSLRequest, offering only {@code protocols}; returns the negotiated protocol. */
    private static String handshakeOffering(String... protocols) throws Exception {
        try (Socket plain = ServedCertificate.sslRequest(GatewayClient.gatewayPort());
             SSLSocket tls = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                     .createSocket(plain, "localhost", plain.getPort(), true)) {
            tls.setEnabledProtocols(protocols);
            tls.startHandshake();
            return tls.getSession().getProtocol();
        }
    }

    /** PostgreSQL 17's direct TLS: a ClientHello (ALPN {@code postgresql}) as the first bytes. */
    private static String directHandshake() throws Exception {
        try (SSLSocket tls = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort())) {
            tls.setSoTimeout(10_000);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"postgresql"});
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls.getSession().getProtocol();
        }
    }

    @Test
    void disableAnswersNToSslRequestServesPlainTextAndRefusesDirectTls() throws Exception {
        assertEquals('S', sslRequestAnswer(), "require (the default) offers TLS");
        assertTrue(directHandshake().startsWith("TLSv1."), "and accepts direct TLS");

        admin().body("{\"mode\":\"disable\"}").put("/api/v1/tls").then().statusCode(200).body("mode", equalTo("disable"));
        assertEquals('N', sslRequestAnswer());
        try (Connection c = login("disable")) {
            assertSelect(c, 1);
        }
        PSQLException tlsRequired = assertThrows(PSQLException.class, () -> login("require").close(),
                "a client that insists on TLS cannot have it");
        assertTrue(tlsRequired.getMessage().contains("SSL"), tlsRequired.getMessage());
        assertThrows(IOException.class, ClientTlsThroughGatewayTest::directHandshake, "a direct ClientHello is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allow", "prefer"})
    void allowAndPreferServePlainTextAndTls(String mode) throws Exception {
        PSQLException refused = assertThrows(PSQLException.class, () -> login("disable").close());
        assertEquals("28000", refused.getSQLState(), "require refuses plain text: " + refused);

        putTls("{\"mode\":\"" + mode + "\"}");
        try (Connection plain = login("disable")) {
            assertSelect(plain, 2);
        }
        assertEquals('S', sslRequestAnswer());
        try (Connection tls = login("require")) {
            assertSelect(tls, 3);
        }
    }

    /**
     * verify-full demands a client certificate that chains to the client CA. As in PgBouncer
     * ({@code client_tls_sslmode}: "verify-full: same as verify-ca") there is no client host name to
     * match, and which user a certificate names matters only to {@code "auth":"cert"} users
     * (TlsLifecycleTest): a password user logs in with any certificate of the CA.
     */
    @Test
    void verifyFullDemandsACertificateOfTheClientCa(@TempDir Path dir) throws Exception {
        TestPki.Issued ca = TestPki.ca("Modes Client CA");
        TestPki.Issued stranger = TestPki.ca("Modes Stranger CA");
        Path[] fromCa = TestPki.client(ca, "any-name").writeClientFiles(dir, "from-ca");
        Path[] fromStranger = TestPki.client(stranger, USER).writeClientFiles(dir, "from-stranger");
        Map<String, String> withCa = Map.of("sslcert", fromCa[0].toString(), "sslkey", fromCa[1].toString());
        Map<String, String> withStranger = Map.of("sslcert", fromStranger[0].toString(), "sslkey", fromStranger[1].toString());
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertSelect(c, 4); // require: no certificate needed
        }

        admin().body(Map.of("caPem", ca.certificatePem())).put("/api/v1/tls/client-ca").then().statusCode(200);
        admin().body("{\"mode\":\"verify-full\"}").put("/api/v1/tls").then().statusCode(200).body("mode", equalTo("verify-full"));
        PSQLException none = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, USER, PASSWORD).close());
        assertEquals("28000", none.getSQLState(), none.toString());
        assertTrue(none.getMessage().contains("client certificate"), none.getMessage());
        PSQLException foreign = assertThrows(PSQLException.class,
                () -> GatewayClient.connect(DB, USER, PASSWORD, withStranger).close());
        assertEquals("28000", foreign.getSQLState(), foreign.toString());
        PSQLException plain = assertThrows(PSQLException.class,
                () -> GatewayClient.connect(DB, USER, PASSWORD, Map.of("sslmode", "disable")).close());
        assertEquals("28000", plain.getSQLState(), plain.toString());
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD, withCa)) {
            assertSelect(c, 5);
        }
    }

    /**
     * protocols: a listener changed to TLS 1.3 refuses a TLS 1.2-only client from the next handshake on;
     * {@code []} goes back to {@code portcullis.tls.protocols} (TLS 1.3 and 1.2 by default).
     */
    @Test
    void protocolsChangeLiveAndAnEmptyListMeansTheProperty() throws Exception {
        assertEquals("TLSv1.2", handshakeOffering("TLSv1.2"));

        admin().body("{\"protocols\":[\"TLSv1.3\"]}").put("/api/v1/tls").then().statusCode(200)
                .body("protocols", equalTo(List.of("TLSv1.3")));
        assertThrows(IOException.class, () -> handshakeOffering("TLSv1.2"), "a TLS 1.2-only client is refused");
        assertEquals("TLSv1.3", handshakeOffering("TLSv1.3", "TLSv1.2"));
        try (Connection c = login("require")) {
            assertSelect(c, 6);
        }

        admin().body("{\"protocols\":[]}").put("/api/v1/tls").then().statusCode(200)
                .body("protocols", equalTo(List.of("TLSv1.3", "TLSv1.2")));
        admin().get("/api/v1/tls").then().body("protocols", equalTo(List.of("TLSv1.3", "TLSv1.2")));
        assertEquals("TLSv1.2", handshakeOffering("TLSv1.2"), "TLS 1.2 is offered again");
    }
}
