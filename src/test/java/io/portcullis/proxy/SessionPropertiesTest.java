package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.NonDefaultProperties;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code portcullis.session.on-removal=after-transaction} and {@code portcullis.auth.failure-delay} /
 * {@code failure-delay-max} at the values of {@link NonDefaultProperties}.
 */
@QuarkusTest
@TestProfile(NonDefaultProperties.class)
class SessionPropertiesTest {

    private static final String USER = "sessprops_user";
    private static final String PASSWORD = "sessprops-pass";

    @BeforeAll
    static void configure() {
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("props_guess", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
    }

    private static int select(Connection c, int value) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + value)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** With the default {@code immediate}, the second query of the transaction would get 57P01. */
    @Test
    void aDeletedDatabasesSessionFinishesItsTransactionThenEnds() throws Exception {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("props_removal", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        try (Connection c = GatewayClient.connect("props_removal", USER, PASSWORD)) {
            c.setAutoCommit(false);
            assertEquals(1, select(c, 1));
            GatewayClient.deleteDatabase("props_removal");
            assertEquals(2, select(c, 2), "the transaction goes on after its database was deleted");
            c.commit();
            SQLException ended = assertThrows(SQLException.class, () -> select(c, 3), "the session ended after the transaction");
            assertTrue(ended.getMessage().contains("database \"props_removal\" was removed") || !c.isValid(5), ended.toString());
        }
    }

    /**
     * failure-delay=1s and failure-delay-max=1s: once an address has failed, its next login waits about 1 s
     * before its password is checked, however many failures came before. The defaults would make the second
     * wait 0.1 s (then 0.2 s, 0.4 s); a 1 s base without the
     * 1 s cap would make the fourth wait 4 s.
     */
    @Test
    void failedLoginsWaitTheConfiguredDelayAndNoLonger() throws Exception {
        InetAddress guesser = InetAddress.getByAddress(new byte[] {127, 0, 0, 41});
        for (int i = 0; i < 4; i++) {
            RawLogin.Result result;
            try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), guesser)) {
                result = RawLogin.login(raw, "props_guess", USER, "wrong-" + i);
            }
            assertFalse(result.ok());
            assertEquals("28P01", result.error().get('C'));
            Duration waited = Duration.ofNanos(result.verdictNanos());
            if (i > 0) { // the first guess earns the back-off the later ones wait out
                // The back-off runs from the previous failure, so a little of it passed before this proof was sent;
                // the defaults would wait at most 0.4 s here.
                assertTrue(waited.toMillis() >= 600 && waited.toMillis() < 3_000,
                        "failure " + (i + 1) + " answered after about 1 s, not " + waited.toMillis() + " ms");
            }
        }
    }
}
