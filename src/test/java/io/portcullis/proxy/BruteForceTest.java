package io.portcullis.proxy;

import io.portcullis.auth.AuthSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password guessing over real sockets: failed logins are answered ever more slowly (login throttle,
 * default settings), and an unknown user cannot be told from a known one with a wrong password. Each
 * test connects from its own loopback address, so its failures do not slow other tests' clients.
 */
@QuarkusTest
class BruteForceTest {

    private static final String DB = "brute_qdb";
    private static final String USER = "brute_victim";
    private static final String PASSWORD = "brute-right-pass";

    @Inject
    AuthSettings auth;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    private static RawLogin.Result attempt(InetAddress from, String user, String password) throws Exception {
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), from)) {
            return RawLogin.login(raw, DB, user, password);
        }
    }

    private static InetAddress loopback(int last) throws Exception {
        return InetAddress.getByAddress(new byte[]{127, 0, 0, (byte) last});
    }

    @Test
    void failedLoginsAreAnsweredEverMoreSlowly() throws Exception {
        InetAddress guesser = loopback(4);
        double delayedBefore = delayedFailures();
        Duration expected = auth.failureDelay();
        for (int i = 0; i < 4; i++) {
            // A different user name each time: the guesser's address is what is counted.
            RawLogin.Result result = attempt(guesser, "brute_guess_" + i, "guess-" + i);
            assertEquals("28P01", result.error().get('C'));
            Duration waited = Duration.ofNanos(result.verdictNanos());
            assertTrue(waited.compareTo(expected) >= 0, "failure " + (i + 1) + " answered after " + waited + ", expected at least " + expected);
            expected = expected.multipliedBy(2).compareTo(auth.failureDelayMax()) > 0 ? auth.failureDelayMax() : expected.multipliedBy(2);
        }
        assertTrue(attempt(guesser, USER, PASSWORD).ok(), "the right password still logs in, undelayed by design");
        assertTrue(delayedFailures() >= delayedBefore + 4, "the delays are counted in portcullis_auth_failure_delay_seconds");
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() throws Exception {
        InetAddress prober = loopback(5);
        RawLogin.Result wrong = attempt(prober, USER, "not-the-password");
        RawLogin.Result unknown = attempt(prober, "brute_nobody", "not-the-password");
        RawLogin.Result unknownAgain = attempt(prober, "brute_nobody", "something-else");

        assertEquals(wrong.error().get('C'), unknown.error().get('C'));
        assertEquals("28P01", unknown.error().get('C'));
        assertEquals(wrong.error().keySet(), unknown.error().keySet(), "same fields");
        assertEquals(wrong.error().get('M').replace(USER, "brute_nobody"), unknown.error().get('M'), "same text but for the name");
        assertEquals(shape(wrong.serverFirst()), shape(unknown.serverFirst()), "server-first has the same shape");
        assertTrue(unknown.serverFirst().endsWith(",i=" + auth.scramIterations()),
                "the mock announces portcullis.auth.scram-iterations, as a user created now has: " + unknown.serverFirst());
        assertEquals(salt(unknown.serverFirst()), salt(unknownAgain.serverFirst()), "an unknown user's salt is stable, like a real one");
        assertNotEquals(salt(wrong.serverFirst()), salt(unknown.serverFirst()));
        assertFalse(salt(unknown.serverFirst()).isEmpty());
    }

    private static final Pattern SERVER_FIRST = Pattern.compile("^r=([^,]+),s=([^,]+),i=(\\d+)$");

    /** server-first with nonce and salt reduced to their lengths. */
    private static String shape(String serverFirst) {
        Matcher m = SERVER_FIRST.matcher(serverFirst);
        assertTrue(m.matches(), serverFirst);
        return "r=" + m.group(1).length() + ",s=" + m.group(2).length() + ",i=" + m.group(3);
    }

    private static String salt(String serverFirst) {
        Matcher m = SERVER_FIRST.matcher(serverFirst);
        assertTrue(m.matches(), serverFirst);
        return m.group(2);
    }

    private static final Pattern DELAY_COUNT = Pattern.compile("^portcullis_auth_failure_delay_seconds_count(?:\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);

    private static double delayedFailures() {
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = DELAY_COUNT.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
