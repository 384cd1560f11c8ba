package io.portcullis.proxy;

import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.LoginThrottle;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.LogCapture;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password guessing over real sockets against the login throttle (application settings of the test profile):
 * an attempt whose user or address is in back-off waits it out before its password is checked, whether the
 * password is right or wrong; parallel guesses for one user are checked one after the other; a guesser that
 * leaves early is still counted and logged; a user name no user can have is refused like an unknown one and
 * never remembered; and an unknown user cannot be told from a known one with a wrong password, on the wire or
 * in the public metrics. Each test connects from loopback addresses of its own (all of 127.0.0.0/8 reaches the
 * gateway), so its failures do not slow other tests' clients.
 */
@QuarkusTest
class BruteForceTest {

    private static final String DB = "brute_qdb";
    private static final String USER = "brute_victim";
    private static final String PASSWORD = "brute-right-pass";
    private static final String PARALLEL_USER = "brute_parallel";
    private static final String PATIENT_USER = "brute_patient";
    private static final String LEAVING_USER = "brute_leaver";
    private static final int PARALLEL_GUESSES = 20;

    @Inject
    AuthSettings auth;
    @Inject
    GatewayServer gateway;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        for (String user : List.of(USER, PARALLEL_USER, PATIENT_USER, LEAVING_USER)) {
            GatewayClient.putUser(user, Map.of("password", PASSWORD));
        }
    }

    private static RawLogin.Result attempt(InetAddress from, String user, String password) throws Exception {
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), from)) {
            return RawLogin.login(raw, DB, user, password);
        }
    }

    private static InetAddress loopback(int third, int last) throws Exception {
        return InetAddress.getByAddress(new byte[]{127, 0, (byte) third, (byte) last});
    }

    private LoginThrottle throttle() {
        return gateway.loginThrottle();
    }

    /** The back-off after {@code failures} recent failures, from the settings: base · 2^(failures−1), at most max. */
    private Duration delayAfter(int failures) {
        Duration delay = auth.failureDelay();
        for (int i = 1; i < failures && delay.compareTo(auth.failureDelayMax()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(auth.failureDelayMax()) > 0 ? auth.failureDelayMax() : delay;
    }

    @Test
    void guessesFromOneAddressWaitEverLonger() throws Exception {
        InetAddress guesser = loopback(0, 4);
        double checkedBefore = metric(metrics(), THROTTLE_WAIT_COUNT);
        RawLogin.Result previous = null;
        for (int i = 0; i < 4; i++) {
            // A different user name each time: the guesser's address is what is counted.
            RawLogin.Result result = attempt(guesser, "brute_guess_" + i, "guess-" + i);
            assertEquals("28P01", result.error().get('C'));
            if (previous != null) {
                // The previous proof was checked after it was sent; this one no sooner than that check plus its back-off.
                Duration sincePreviousProof = Duration.ofNanos(result.verdictAtNanos() - previous.proofSentNanos());
                assertTrue(sincePreviousProof.compareTo(delayAfter(i)) >= 0,
                        "guess " + (i + 1) + " answered " + sincePreviousProof + " after the previous proof, expected at least " + delayAfter(i));
            }
            previous = result;
        }
        RawLogin.Result right = attempt(guesser, USER, PASSWORD);
        assertTrue(right.ok(), "the right password still logs in");
        assertTrue(Duration.ofNanos(right.verdictAtNanos() - previous.proofSentNanos()).compareTo(delayAfter(4)) >= 0,
                "after the same back-off");
        assertTrue(metric(metrics(), THROTTLE_WAIT_COUNT) >= checkedBefore + 5,
                "every checked login is counted in portcullis_auth_throttle_wait_seconds");
    }

    /**
     * Twenty wrong passwords for one user sent at once from twenty addresses: each is checked only after the
     * back-off the failures before it earned, so the last verdict comes no sooner than the sum of those delays
     * after the first guess was sent (the gateway used to answer all of them within one maximum delay).
     */
    @Test
    void parallelGuessesForOneUserAreCheckedOneAfterTheOther() throws Exception {
        Duration expected = Duration.ZERO;
        for (int failures = 1; failures < PARALLEL_GUESSES; failures++) {
            expected = expected.plus(delayAfter(failures));
        }
        assertTrue(expected.compareTo(auth.failureDelayMax().multipliedBy(2)) > 0,
                "the test settings must make the sum of the delays tell serialised checks from parallel ones");
        int failuresBefore = throttle().failuresOfUser(PARALLEL_USER);
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_GUESSES);
        try {
            CountDownLatch ready = new CountDownLatch(PARALLEL_GUESSES);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawLogin.Result>> guesses = new ArrayList<>();
            for (int i = 0; i < PARALLEL_GUESSES; i++) {
                InetAddress from = loopback(2, i + 1);
                String guess = "parallel-guess-" + i;
                guesses.add(pool.submit((Callable<RawLogin.Result>) () -> {
                    try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), from)) {
                        raw.socket().setSoTimeout(60_000);
                        RawLogin.Pending pending = RawLogin.prepare(raw, DB, PARALLEL_USER, guess);
                        ready.countDown();
                        go.await();
                        return pending.finish();
                    }
                }));
            }
            assertTrue(ready.await(60, TimeUnit.SECONDS), "every guesser is ready to send its proof");
            long start = System.nanoTime();
            go.countDown();
            long lastVerdict = start;
            for (Future<RawLogin.Result> guess : guesses) {
                RawLogin.Result result = guess.get(120, TimeUnit.SECONDS);
                assertEquals("28P01", result.error().get('C'), String.valueOf(result.error()));
                lastVerdict = Math.max(lastVerdict, result.verdictAtNanos());
            }
            Duration took = Duration.ofNanos(lastVerdict - start);
            assertTrue(took.compareTo(expected) >= 0, PARALLEL_GUESSES + " parallel guesses took " + took
                    + "; checked one after the other, each after its back-off, they take at least " + expected);
            assertEquals(failuresBefore + PARALLEL_GUESSES, throttle().failuresOfUser(PARALLEL_USER), "every guess was counted");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The right password, sent while its user is in back-off, is answered only when the back-off is over: a
     * guesser cannot tell a right guess by its quick answer and stop waiting for the slow ones.
     */
    @Test
    void theRightPasswordDuringTheBackoffWaitsToo() throws Exception {
        InetAddress wrongFrom = loopback(3, 1);
        InetAddress rightFrom = loopback(3, 2);
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), rightFrom)) {
            RawLogin.Pending right = RawLogin.prepare(raw, DB, PATIENT_USER, PASSWORD);
            long observed;
            Duration backoff;
            int tries = 0;
            do {
                assertEquals("28P01", attempt(wrongFrom, PATIENT_USER, "wrong-" + tries).error().get('C'));
                observed = System.nanoTime();
                backoff = throttle().backoff(PATIENT_USER, rightFrom.getHostAddress());
            } while (backoff.compareTo(auth.failureDelayMax().dividedBy(2)) < 0 && ++tries < 10);
            assertTrue(backoff.compareTo(Duration.ZERO) > 0, "the user is in back-off: " + backoff);
            RawLogin.Result result = right.finish();
            assertTrue(result.ok(), String.valueOf(result.error()));
            Duration waited = Duration.ofNanos(result.verdictAtNanos() - observed);
            assertTrue(waited.compareTo(backoff) >= 0,
                    "the right password was answered " + waited + " later, inside a back-off of " + backoff);
        }
    }

    /**
     * A guesser that sends its proof and leaves does not escape: the proof is checked when the back-off allows,
     * the failure counted and the "login failed" line written (the gateway used to drop both with the socket).
     */
    @Test
    void aClientThatLeavesDuringTheBackoffIsStillCountedAndLogged() throws Exception {
        InetAddress leaver = loopback(4, 1);
        try (LogCapture logs = LogCapture.start(); RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), leaver)) {
            RawLogin.Pending leaving = RawLogin.prepare(raw, DB, LEAVING_USER, "left-without-waiting");
            double badCredentialsBefore = metric(metrics(), BAD_CREDENTIALS);
            int tries = 0;
            do {
                assertEquals("28P01", attempt(leaver, LEAVING_USER, "wrong-" + tries).error().get('C'));
            } while (throttle().backoff(LEAVING_USER, null).compareTo(auth.failureDelayMax().dividedBy(2)) < 0 && ++tries < 10);
            int failuresBefore = throttle().failuresOfUser(LEAVING_USER);
            leaving.sendProof();
            raw.close();
            String line = logs.await(l -> l.startsWith(ConnectionLog.CATEGORY + " login failed")
                    && l.contains("user=\"" + LEAVING_USER + "\"") && l.contains("disconnected before the answer"),
                    auth.failureDelayMax().plusSeconds(10));
            assertTrue(line.contains("sqlstate=28P01"), line);
            assertEquals(failuresBefore + 1, throttle().failuresOfUser(LEAVING_USER), "the failure was counted");
            assertTrue(metric(metrics(), BAD_CREDENTIALS) >= badCredentialsBefore + tries + 2, "and it is in the metrics");
        }
    }

    /**
     * A user name longer than any user can have (63 bytes) gets what an unknown user gets — a full SCRAM exchange
     * and 28P01 — and is never made a throttle key, so a client cannot make the gateway store its names.
     */
    @Test
    void anOverlongUserNameIsRefusedAsUnknownAndNotRemembered() throws Exception {
        String name = "x".repeat(9_900); // the whole startup packet stays under its 10,000-byte limit
        RawLogin.Result result = attempt(loopback(5, 1), name, "whatever");
        assertEquals("28P01", result.error().get('C'), String.valueOf(result.error()));
        assertEquals("password authentication failed for user \"" + name + "\"", result.error().get('M'));
        assertTrue(result.serverFirst().endsWith(",i=" + auth.scramIterations()), "a SCRAM exchange like anyone's");
        assertFalse(throttle().remembersUser(name), "no throttle entry for the name");
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() throws Exception {
        InetAddress prober = loopback(0, 5);
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

    /**
     * {@code /q/metrics} needs no token, so it must not tell an unknown user from a wrong password either: the
     * counters an unknown user's failed login moves are exactly those a wrong password moves, by as much.
     */
    @Test
    void metricsDoNotTellAnUnknownUserFromAWrongPassword() throws Exception {
        Map<String, Double> before = counters(metrics());
        assertEquals("28P01", attempt(loopback(6, 1), "brute_ghost", "not-the-password").error().get('C'));
        Map<String, Double> afterUnknown = counters(metrics());
        assertEquals("28P01", attempt(loopback(6, 2), USER, "not-the-password").error().get('C'));
        Map<String, Double> afterWrong = counters(metrics());

        Map<String, Double> byUnknown = increments(before, afterUnknown);
        Map<String, Double> byWrong = increments(afterUnknown, afterWrong);
        assertEquals(byUnknown, byWrong, "the same series moved by the same amounts");
        assertEquals(1.0, byUnknown.get("portcullis_auth_failures_total{reason=\"bad_credentials\"}"), byUnknown.toString());
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

    private static final String THROTTLE_WAIT_COUNT = "portcullis_auth_throttle_wait_seconds_count";
    private static final String BAD_CREDENTIALS = "portcullis_auth_failures_total{reason=\"bad_credentials\"}";
    private static final Pattern SAMPLE = Pattern.compile("^(portcullis_[a-z0-9_]+(?:\\{[^}]*\\})?)\\s+(\\S+)$", Pattern.MULTILINE);

    private static String metrics() {
        return GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Every counter and count of ours in a scrape (sums, maxima, buckets and gauges vary with timing). */
    private static Map<String, Double> counters(String scrape) {
        Map<String, Double> values = new TreeMap<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            String series = m.group(1);
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            // Per-database series move with other tests' pools (idle connections closing); a login that fails
            // at authentication never reaches a pool.
            if ((name.endsWith("_total") || name.endsWith("_count")) && !series.contains("database=\"")) {
                values.put(series, Double.parseDouble(m.group(2)));
            }
        }
        return values;
    }

    private static Map<String, Double> increments(Map<String, Double> from, Map<String, Double> to) {
        Map<String, Double> moved = new TreeMap<>();
        to.forEach((series, value) -> {
            double delta = value - from.getOrDefault(series, 0.0);
            if (delta != 0) {
                moved.put(series, delta);
            }
        });
        return moved;
    }

    private static double metric(String scrape, String series) {
        return counters(scrape).getOrDefault(series, 0.0);
    }
}
