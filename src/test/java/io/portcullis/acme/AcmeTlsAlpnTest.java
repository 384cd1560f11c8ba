package io.portcullis.acme;

import io.portcullis.config.ConfigStore;
import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.LogCapture;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.tls.TlsAdministration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS-ALPN-01 (RFC 8737) on the wire port (issue 21): while a challenge waits, a direct-TLS ClientHello offering
 * {@code acme-tls/1} for its name is answered with the challenge certificate (the name as its only subjectAltName, the
 * critical acmeIdentifier holding SHA-256 of the key authorization) and closed; one for another name is closed without
 * a certificate; PostgreSQL clients meanwhile, direct TLS or SSLRequest, get the listener's certificate and their
 * session. Then Pebble issues a certificate validated this way alone: its HTTP-01 port has nothing listening.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmeTlsAlpnTest {

    static final String NAME = "alpn.acme-test.example.com";
    static final String CERTIFICATE_NAME = "acme-alpn";
    static final String DB = "alpn_pg";
    static final String USER = "alpn_client";
    static final String PASSWORD = "alpn-client-pass";
    /** RFC 8737 §6.1: id-pe-acmeIdentifier. */
    static final String ACME_IDENTIFIER = "1.3.6.1.5.5.7.1.31";

    private static PostgresServer pg;

    @Inject
    ChallengeTokens tokens;
    @Inject
    AcmeManager manager;
    @Inject
    TlsAdministration tls;
    @Inject
    ConfigStore store;

    @BeforeAll
    static void database() throws Exception {
        pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void dropDatabase() {
        GatewayClient.deleteDatabase(DB);
    }

    /** A direct-TLS handshake (no SSLRequest) asking for {@code serverName} and offering {@code protocols} by ALPN. */
    private static SSLSocket direct(String serverName, String... protocols) throws Exception {
        int port = GatewayClient.gatewayPort();
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        plain.setSoTimeout(5_000);
        SSLSocket socket = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                .createSocket(plain, serverName, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(protocols);
        socket.setSSLParameters(parameters);
        return socket;
    }

    @Test
    @Order(1)
    void aValidationIsAnsweredWithTheChallengeCertificateAndClosed() throws Exception {
        String keyAuthorization = "DGyRejmCefe7v4NfDGDKfA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
        tokens.addAlpn(NAME, keyAuthorization);
        try (LogCapture logs = LogCapture.start()) {
            try (SSLSocket validation = direct(NAME, "acme-tls/1")) {
                validation.startHandshake();
                assertEquals("acme-tls/1", validation.getApplicationProtocol());
                X509Certificate certificate = (X509Certificate) validation.getSession().getPeerCertificates()[0];
                assertEquals(List.of(NAME), certificate.getSubjectAlternativeNames().stream()
                        .map(n -> (String) n.get(1)).toList(), "the name validated is its only subjectAltName");
                assertTrue(certificate.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER), "acmeIdentifier is critical");
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
                byte[] extension = certificate.getExtensionValue(ACME_IDENTIFIER); // OCTET STRING { OCTET STRING hash }
                assertArrayEquals(expected, Arrays.copyOfRange(extension, 4, extension.length));
                assertEquals(-1, validation.getInputStream().read(), "the gateway closes after the handshake");
            }
            // A validation for a name no challenge waits for is closed: no certificate at all.
            try (SSLSocket other = direct("other.acme-test.example.com", "acme-tls/1")) {
                assertThrows(IOException.class, other::startHandshake);
            }
            // The connection log says what they were.
            logs.await(line -> line.contains("tls=acme-tls/1 sni=" + NAME + " "), Duration.ofSeconds(5));
            logs.await(line -> line.contains("tls=acme-tls/1 sni=other.acme-test.example.com (no challenge waits)"),
                    Duration.ofSeconds(5));
            // Meanwhile PostgreSQL clients: direct TLS with ALPN postgresql, and SSLRequest, as ever.
            X509Certificate listener = tls.material().chain().get(0);
            try (SSLSocket client = direct(NAME, "postgresql")) {
                client.startHandshake();
                assertEquals("postgresql", client.getApplicationProtocol());
                assertEquals(listener, client.getSession().getPeerCertificates()[0], "the listener's certificate");
            }
            assertEquals(listener, ServedCertificate.read(GatewayClient.gatewayPort(), NAME));
            try (Connection c = GatewayClient.connect(DB, USER, PASSWORD, Map.of("sslmode", "require", "sslNegotiation", "direct"))) {
                assertEquals(1, query(c));
            }
        } finally {
            tokens.removeAlpn(NAME);
        }
        // Once decided, the challenge is gone: the listener handles acme-tls/1 as any ALPN without postgresql.
        assertNotEquals("acme-tls/1", acmeTlsNegotiated(NAME));
    }

    /** What a validation for {@code serverName} negotiates: null when the handshake is refused. */
    private static String acmeTlsNegotiated(String serverName) throws Exception {
        try (SSLSocket validation = direct(serverName, "acme-tls/1")) {
            validation.startHandshake();
            return validation.getApplicationProtocol();
        } catch (IOException refused) {
            return null;
        }
    }

    /** A validation whose bytes arrive a few at a time is read whole and answered with the challenge certificate. */
    @Test
    @Order(2)
    void aHelloInPiecesIsReadWholeAndAnswered() throws Exception {
        tokens.addAlpn(NAME, "DGyRejmCefe7v4NfDGDKfA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI");
        try {
            Socket plain = new InPieces();
            plain.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort()));
            plain.setSoTimeout(5_000);
            try (SSLSocket validation = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                    .createSocket(plain, NAME, 443, true)) {
                SSLParameters parameters = validation.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(NAME)));
                parameters.setApplicationProtocols(new String[] {"acme-tls/1"});
                validation.setSSLParameters(parameters);
                validation.startHandshake();
                assertEquals("acme-tls/1", validation.getApplicationProtocol());
                X509Certificate certificate = (X509Certificate) validation.getSession().getPeerCertificates()[0];
                assertTrue(certificate.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER), "the challenge certificate");
            }
        } finally {
            tokens.removeAlpn(NAME);
        }
    }

    /** A socket that sends what it is given 7 bytes at a time, 2 ms apart: a ClientHello in many TCP segments. */
    private static final class InPieces extends Socket {
        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = super.getOutputStream();
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    for (int at = offset; at < offset + length; at += 7) {
                        out.write(bytes, at, Math.min(7, offset + length - at));
                        out.flush();
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                }
            };
        }
    }

    /** A ClientHello that is no TLS, while a challenge waits, ends the connection at once rather than at a timeout. */
    @Test
    @Order(2)
    void aMalformedHelloWhileAChallengeWaitsIsClosed() throws Exception {
        tokens.addAlpn(NAME, "DGyRejmCefe7v4NfDGDKfA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI");
        try {
            byte[][] hellos = {
                    {0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, (byte) 0xff, (byte) 0xff}, // a 2-byte ClientHello
                    // a ClientHello of 128 KiB announced, over the 16 KiB the gateway reads before deciding
                    {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x02, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00},
            };
            for (byte[] hello : hellos) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort())) {
                    socket.setSoTimeout(5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(hello);
                    out.flush();
                    InputStream in = socket.getInputStream();
                    long start = System.nanoTime();
                    try {
                        while (in.read() != -1) {
                            // an alert, then the end
                        }
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("the connection stayed open after " + Arrays.toString(hello));
                    } catch (IOException reset) {
                        // closed
                    }
                    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
                }
            }
        } finally {
            tokens.removeAlpn(NAME);
        }
    }

    /**
     * A challenge another replica sharing the store published is answered here too, with a certificate made here from
     * its key authorization, and no longer once it is withdrawn.
     */
    @Test
    @Order(3)
    void aChallengeAnotherReplicaPublishedIsAnsweredHere() throws Exception {
        String keyAuthorization = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withAcme(new io.portcullis.config.AcmeConfig(
                "https://127.0.0.1:9/dir", null, List.of(NAME), null, CERTIFICATE_NAME, null, null, null, null,
                new io.portcullis.config.AcmeConfig.Lease("other-replica/1/abc", System.currentTimeMillis() + 3_600_000),
                Map.of(), io.portcullis.config.AcmeChallengeType.TLS_ALPN_01, Map.of(NAME, keyAuthorization)))));
        try {
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            X509Certificate answered = null;
            while (answered == null && System.nanoTime() < deadline) {
                try (SSLSocket validation = direct(NAME, "acme-tls/1")) {
                    validation.startHandshake();
                    answered = (X509Certificate) validation.getSession().getPeerCertificates()[0];
                } catch (IOException notYet) {
                    Thread.sleep(100); // the certificate is made on a worker once the change arrives
                }
            }
            assertTrue(answered != null, "the published challenge was never answered");
            byte[] extension = answered.getExtensionValue(ACME_IDENTIFIER);
            assertArrayEquals(expected, Arrays.copyOfRange(extension, 4, extension.length));
        } finally {
            manager.stopManaging();
        }
        assertNotEquals("acme-tls/1", acmeTlsNegotiated(NAME), "withdrawn with the request");
    }

    /** Pebble validates the name by TLS-ALPN-01 on the wire port; nothing listens where it would look for HTTP-01. */
    @Test
    @Order(4)
    void pebbleIssuesByTlsAlpn01OnTheWirePort() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble and pebble-challtestsrv are not installed (apt-get install pebble)");
        int port = GatewayClient.gatewayPort();
        try (PebbleServer pebble = new PebbleServer(FreePorts.next(), port, Map.of())) {
            Map<String, Object> body = new HashMap<>(Map.of("directoryUrl", pebble.directoryUrl(), "domains", List.of(NAME),
                    "acceptTermsOfService", true, "directoryCaPem", pebble.caPem(), "certificateName", CERTIFICATE_NAME,
                    "challengeType", "tls-alpn-01"));
            AcmePebbleTest.admin().body(body).put("/api/v1/tls/acme").then().log().ifValidationFails().statusCode(202)
                    .body("challengeType", org.hamcrest.Matchers.equalTo("tls-alpn-01"));
            JsonPath status = awaitValid(pebble);
            assertNull(status.get("lastError"));
            X509Certificate served = ServedCertificate.read(port, NAME);
            X509Certificate intermediate = pebble.intermediate();
            assertEquals(intermediate.getSubjectX500Principal(), served.getIssuerX500Principal(), "issued by Pebble");
            served.verify(intermediate.getPublicKey());
            assertFalse(served.getCriticalExtensionOIDs() != null && served.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER),
                    "the issued certificate, not the challenge's");
            assertTrue(pebble.log().contains("set VALID by completed challenge"), "Pebble validated the name:\n" + pebble.log());
            assertEquals(0, tokens.pending(), "no challenge is left waiting");
            assertTrue(store.current().tls().acme().alpnChallenges().isEmpty(), "none is left published");
        } finally {
            if (store.current().tls().acme() != null) {
                manager.stopManaging();
            }
            tls.removeNamedCertificate(CERTIFICATE_NAME, ConfigStore.ANY_VERSION);
        }
    }

    private static JsonPath awaitValid(PebbleServer pebble) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = AcmePebbleTest.admin().get("/api/v1/tls/acme").then().statusCode(200).extract().jsonPath();
            List<String> states = last.getList("domainStates.state");
            if (!states.isEmpty() && states.stream().allMatch("valid"::equals) && last.get("order") == null) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("issuance by TLS-ALPN-01 did not happen; last status " + (last == null ? null : last.prettify())
                + "\nPebble's log:\n" + pebble.log());
    }

    private static int query(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
