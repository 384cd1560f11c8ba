package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that starts a second TLS 1.2 handshake on an established session (renegotiation, a
 * denial-of-service lever: the server pays for every handshake) is cut off, and the gateway goes on
 * serving others. Its own class so that {@link ClientRenegotiationIT} checks the same against the
 * native executable, whose TLS engine (the JDK's) differs from the JVM build's (OpenSSL).
 */
@QuarkusTest
class ClientRenegotiationTest {

    private static final String DATABASE = "renegotiation_qdb";
    private static final String USER = "renegotiation_user";
    private static final String PASSWORD = "renegotiation-pass";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DATABASE, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        InetAddress local = InetAddress.getByAddress(new byte[]{127, 0, 0, 1});
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), local, "TLSv1.2")) {
            SSLSocket tls = (SSLSocket) raw.socket();
            assertEquals("TLSv1.2", tls.getSession().getProtocol());
            boolean refused;
            try {
                tls.startHandshake(); // a second handshake on an established TLS 1.2 session: renegotiation
                raw.startup(3, 0, Map.of("user", USER, "database", DATABASE));
                char answer = raw.readType();
                refused = answer != 'R';
            } catch (IOException e) {
                refused = true;
            }
            assertTrue(refused, "the gateway went on after a client-initiated renegotiation");
            assertTrue(raw.closedByPeer(), "the connection is closed");
        }
        try (Connection c = GatewayClient.connect(DATABASE, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next(), "another client is still served");
            assertEquals(1, rs.getInt(1));
        }
    }
}
