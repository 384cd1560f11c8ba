package io.portcullis.tls;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 2: TLS towards backends with libpq's sslmode meanings, against a real TLS-only PostgreSQL
 * (ssl=on, every TCP line hostssl, plain TCP rejected) whose certificate is issued for {@code localhost} only,
 * the shared plain-text PostgreSQL and QuestDB (which answers N to an SSLRequest). Every query goes through the
 * gateway; {@code pg_stat_ssl} is read by the backend session the gateway opened.
 */
@QuarkusTest
class BackendTlsTest {

    static final String USER = "tls_client";
    static final String PASSWORD = "tls-client-pass";

    private static TestPki.Issued serverCa;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued certUser;
    private static PostgresServer tlsPg;

    @BeforeAll
    static void start() throws Exception {
        serverCa = TestPki.ca("Backend Server CA");
        otherCa = TestPki.ca("Some Other CA");
        TestPki.Issued clientCa = TestPki.ca("Backend Client CA");
        certUser = TestPki.client(clientCa, PostgresServer.CERT_USER);
        TestPki.Issued serverCert = TestPki.server(serverCa, "localhost", List.of("localhost"), List.of());
        tlsPg = PostgresServer.startWithTls(Backends.freshDirectory("postgres-tls"),
                new PostgresServer.Tls(serverCert.certificatePem(), serverCert.keyPem(), clientCa.certificatePem()));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (tlsPg != null) {
            tlsPg.close();
        }
    }

    /** A database on the TLS-only PostgreSQL as its SCRAM user, with extra fields. */
    private static void tlsDatabase(String name, String host, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("host", host, "port", tlsPg.port(), "dbname", tlsPg.database(),
                "user", tlsPg.scramUser(), "password", tlsPg.scramPassword(), "poolSize", 1));
        body.putAll(extra);
        GatewayClient.putDatabase(name, body);
    }

    private static String one(String database, String sql) throws SQLException {
        try (Connection c = GatewayClient.connect(database, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static String backendSsl(String database) throws SQLException {
        return one(database, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    }

    /** The client's error: SQLSTATE 08001, naming the database and the backend's address, with the reason. */
    private static String refused(String database, String address) {
        PSQLException e = assertThrows(PSQLException.class, () -> one(database, "SELECT 1"));
        assertEquals("08001", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + database + "\"") && e.getMessage().contains(address), e.getMessage());
        return e.getMessage();
    }

    @Test
    void verifyFullWithTheRightCaEncryptsTheBackendSession() throws Exception {
        tlsDatabase("tls_full", "localhost", Map.of("serverTls", "verify-full", "serverCa", serverCa.certificatePem()));
        assertEquals("t", backendSsl("tls_full"));
        assertTrue(one("tls_full", "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").startsWith("TLSv1."));
        String cipher = one("tls_full", "SELECT cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assertTrue(cipher.contains("GCM") || cipher.contains("CHACHA20"), "an AEAD suite, not " + cipher);
    }

    /** A cancel reaches a TLS-only backend (PostgreSQL reads a CancelRequest before its pg_hba rules). */
    @Test
    void cancelWorksAgainstATlsOnlyBackend() throws Exception {
        tlsDatabase("tls_cancel", "localhost", Map.of("serverTls", "verify-full", "serverCa", serverCa.certificatePem()));
        try (Connection c = GatewayClient.connect("tls_cancel", USER, PASSWORD); Statement s = c.createStatement()) {
            java.util.concurrent.CompletableFuture<Void> canceller = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            PSQLException e = assertThrows(PSQLException.class, () -> s.executeQuery("SELECT pg_sleep(30)"));
            canceller.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("57014", e.getSQLState(), e.getMessage());
        }
    }

    @Test
    void aCaThatDidNotSignTheCertificateIsRefused() {
        tlsDatabase("tls_other_ca", "localhost", Map.of("serverTls", "verify-full", "serverCa", otherCa.certificatePem()));
        String message = refused("tls_other_ca", "localhost:" + tlsPg.port());
        assertTrue(message.contains("unknown CA"), message);
    }

    @Test
    void aWrongHostNameIsRefusedByVerifyFullButNotByVerifyCa() throws Exception {
        // The certificate names localhost only; the database connects by address.
        tlsDatabase("tls_by_ip_full", "127.0.0.1", Map.of("serverTls", "verify-full", "serverCa", serverCa.certificatePem()));
        String message = refused("tls_by_ip_full", "127.0.0.1:" + tlsPg.port());
        assertTrue(message.contains("host name mismatch") && message.contains("127.0.0.1"), message);

        tlsDatabase("tls_by_ip_ca", "127.0.0.1", Map.of("serverTls", "verify-ca", "serverCa", serverCa.certificatePem()));
        assertEquals("t", backendSsl("tls_by_ip_ca"));
    }

    @Test
    void requireAndPreferEncryptWithoutCheckingTheCertificate() throws Exception {
        tlsDatabase("tls_require", "127.0.0.1", Map.of("serverTls", "require"));
        assertEquals("t", backendSsl("tls_require"));
        tlsDatabase("tls_prefer", "127.0.0.1", Map.of("serverTls", "prefer"));
        assertEquals("t", backendSsl("tls_prefer"));
        // require with a serverCa checks the chain (as libpq does with a root certificate).
        tlsDatabase("tls_require_other_ca", "127.0.0.1", Map.of("serverTls", "require", "serverCa", otherCa.certificatePem()));
        assertTrue(refused("tls_require_other_ca", "127.0.0.1:" + tlsPg.port()).contains("unknown CA"));
    }

    @Test
    void requireAgainstBackendsWithoutTlsIsRefused() {
        PostgresServer plain = Backends.postgres();
        GatewayClient.putDatabase("tls_require_plain_pg", Map.of("host", plain.host(), "port", plain.port(),
                "dbname", plain.database(), "user", plain.scramUser(), "password", plain.scramPassword(),
                "serverTls", "require"));
        assertTrue(refused("tls_require_plain_pg", plain.host() + ":" + plain.port()).contains("does not support TLS"));

        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("tls_require_questdb", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "serverTls", "require"));
        assertTrue(refused("tls_require_questdb", questdb.host() + ":" + questdb.pgPort()).contains("does not support TLS"));
    }

    @Test
    void preferFallsBackToPlainTextOnQuestDb() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("tls_prefer_questdb", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "serverTls", "prefer"));
        assertEquals("42", one("tls_prefer_questdb", "SELECT 42"));
    }

    @Test
    void disableAgainstTheTlsOnlyBackendIsRejectedByItsHba() {
        tlsDatabase("tls_disable", "127.0.0.1", Map.of("serverTls", "disable"));
        PSQLException e = assertThrows(PSQLException.class, () -> one("tls_disable", "SELECT 1"));
        assertEquals("08001", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("no encryption"), e.getMessage());
    }

    @Test
    void aClientCertificateLogsInWhereTheBackendAsksForOne() throws Exception {
        GatewayClient.putDatabase("tls_cert", Map.of("host", "localhost", "port", tlsPg.port(), "dbname", tlsPg.database(),
                "user", PostgresServer.CERT_USER, "serverTls", "verify-full", "serverCa", serverCa.certificatePem(),
                "serverCertificate", certUser.certificatePem(), "serverKey", certUser.keyPem()));
        assertEquals(PostgresServer.CERT_USER, one("tls_cert", "SELECT current_user"));
        assertEquals("t", backendSsl("tls_cert"));

        // Without it the backend refuses the login.
        GatewayClient.putDatabase("tls_no_cert", Map.of("host", "localhost", "port", tlsPg.port(), "dbname", tlsPg.database(),
                "user", PostgresServer.CERT_USER, "serverTls", "verify-full", "serverCa", serverCa.certificatePem()));
        PSQLException e = assertThrows(PSQLException.class, () -> one("tls_no_cert", "SELECT 1"));
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }
}
