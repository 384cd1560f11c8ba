package io.portcullis.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginThrottleTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofSeconds(60);
    private static final int PER_USER = 2;
    private static final int PER_ADDRESS = 4;
    private static final Runnable NO_WAKE = () -> {
        throw new AssertionError("not expected to wait in line");
    };

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = throttle(BASE, MAX);

    private LoginThrottle throttle(Duration base, Duration max) {
        return throttle(base, max, QUIET);
    }

    private LoginThrottle throttle(Duration base, Duration max, Duration quiet) {
        return new LoginThrottle(base, max, quiet, PER_USER, PER_ADDRESS, now::get, new SecureRandom());
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** One login through the throttle, the fake clock moved on as it asks; returns how long it waited. */
    private Duration login(LoginThrottle t, String user, String address, boolean rightPassword) {
        LoginThrottle.Attempt attempt = t.attempt(user, address, NO_WAKE);
        long start = now.get();
        long wait;
        while ((wait = attempt.turn()) != 0) {
            assertTrue(wait > 0, "a lone attempt never waits in line");
            now.addAndGet(wait);
        }
        attempt.checked(rightPassword);
        return Duration.ofNanos(now.get() - start);
    }

    private Duration fail(String user, String address) {
        return login(throttle, user, address, false);
    }

    @Test
    void eachAttemptWaitsOutTheBackoffThePreviousFailuresEarned() {
        long[] expected = {0, 100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long millis : expected) {
            assertEquals(ms(millis), fail("alice", "10.0.0.1"));
        }
    }

    @Test
    void theRightPasswordWaitsTheSameAsAWrongOne() {
        fail("bob", "10.0.0.9");
        fail("bob", "10.0.0.9");
        assertEquals(ms(200), login(throttle, "bob", "10.0.0.9", true), "a success answers after the back-off as well");
        assertEquals(2, throttle.failuresOfUser("bob"), "and does not reset the count");
        assertEquals(ms(0), fail("bob", "10.0.0.9"), "the back-off is over");
        assertEquals(ms(400), throttle.backoff("bob", "10.0.0.9"), "the third failure earned the third delay");
        assertEquals(Duration.ZERO, login(throttle, "carl", "10.0.0.10", true), "no back-off, no wait");
    }

    @Test
    void oneAddressSprayingUserNamesIsSlowedDown() {
        assertEquals(ms(0), fail("u1", "10.0.0.2"));
        assertEquals(ms(100), fail("u2", "10.0.0.2"));
        assertEquals(ms(200), fail("u3", "10.0.0.2"));
        assertEquals(ms(0), fail("u4", "10.0.0.3"), "another address with a fresh name starts from nothing");
    }

    @Test
    void oneUserGuessedFromManyAddressesIsSlowedDown() {
        assertEquals(ms(0), fail("bob", "10.0.1.1"));
        assertEquals(ms(100), fail("bob", "10.0.1.2"));
        assertEquals(ms(200), fail("bob", "10.0.1.3"));
        assertEquals(ms(400), fail("bob", null), "no address: the user's count alone");
        assertEquals(4, throttle.failuresOfUser("bob"));
    }

    @Test
    void aQuietPeriodForgetsTheCount() {
        fail("carol", "10.0.2.1");
        fail("carol", "10.0.2.1");
        now.addAndGet(QUIET.toNanos() - 1);
        assertEquals(2, throttle.failuresOfUser("carol"), "still within the quiet period");
        now.addAndGet(1);
        assertEquals(0, throttle.failuresOfUser("carol"));
        assertEquals(ms(0), fail("carol", "10.0.2.1"));
    }

    /**
     * Twenty guesses for one user sent at once, as a parallel guesser does: they are checked one after the
     * other, each only after the back-off the previous failures earned, so the last is checked no sooner than
     * the sum of the delays after the first.
     */
    @Test
    void parallelGuessesForOneUserAreCheckedOneAfterTheOther() {
        int guesses = 20;
        List<LoginThrottle.Attempt> attempts = new ArrayList<>();
        AtomicInteger wakes = new AtomicInteger();
        for (int i = 0; i < guesses; i++) {
            attempts.add(throttle.attempt("dave", "10.0.3." + i, wakes::incrementAndGet));
        }
        long start = now.get();
        int checked = 0;
        java.util.Set<LoginThrottle.Attempt> waitedInLine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (checked < guesses) {
            long soonest = Long.MAX_VALUE;
            int checkedThisRound = 0;
            for (LoginThrottle.Attempt attempt : attempts) {
                if (attempt == null) {
                    continue;
                }
                long wait = attempt.turn();
                if (wait == LoginThrottle.WAIT_FOR_WAKE) {
                    waitedInLine.add(attempt);
                }
                if (wait == 0) {
                    attempt.checked(false);
                    attempts.set(attempts.indexOf(attempt), null);
                    checked++;
                    checkedThisRound++;
                    assertTrue(checkedThisRound == 1 || throttle.delayAfter(checked - 1).isZero(),
                            "a second check in the same instant would not have waited for the first one's back-off");
                } else if (wait > 0) {
                    soonest = Math.min(soonest, wait);
                }
            }
            if (checked < guesses) {
                assertTrue(soonest < Long.MAX_VALUE, "someone is due at some point");
                now.addAndGet(soonest);
            }
        }
        long expected = 0;
        for (int failures = 1; failures < guesses; failures++) {
            expected += throttle.delayAfter(failures).toNanos();
        }
        assertEquals(expected, now.get() - start);
        assertTrue(waitedInLine.size() >= guesses - PER_USER - 1, "most waited in line: " + waitedInLine.size());
        assertEquals(waitedInLine.size(), wakes.get(), "every attempt that waited in line was woken once");
    }

    @Test
    void atMostAFewAttemptsPerUserAndPerAddressAreInProgress() {
        List<Runnable> woken = new ArrayList<>();
        LoginThrottle.Attempt first = throttle.attempt("erin", "10.0.4.1", NO_WAKE);
        LoginThrottle.Attempt second = throttle.attempt("erin", "10.0.4.2", NO_WAKE);
        LoginThrottle.Attempt third = throttle.attempt("erin", "10.0.4.3", () -> woken.add(() -> { }));
        assertEquals(0, first.turn());
        assertEquals(LoginThrottle.RETRY_NANOS, second.turn(), "one check of a user at a time");
        assertEquals(LoginThrottle.WAIT_FOR_WAKE, third.turn(), PER_USER + " per user in progress");
        assertFalse(third.admitted());
        first.checked(false);
        assertEquals(1, woken.size(), "the place went to the attempt in line");
        assertTrue(third.admitted());
        assertEquals(BASE.toNanos(), second.turn(), "the back-off the first failure earned");
        assertEquals(BASE.toNanos(), third.turn());

        List<LoginThrottle.Attempt> fromOneHost = new ArrayList<>();
        for (int i = 0; i < PER_ADDRESS; i++) {
            LoginThrottle.Attempt a = throttle.attempt("app" + i, "10.0.5.1", NO_WAKE);
            a.turn();
            fromOneHost.add(a);
        }
        LoginThrottle.Attempt fifth = throttle.attempt("app-other", "10.0.5.1", () -> woken.add(() -> { }));
        assertEquals(LoginThrottle.WAIT_FOR_WAKE, fifth.turn(), PER_ADDRESS + " per address in progress");
        fifth.abandon();
        fromOneHost.get(1).abandon();
        assertEquals(1, woken.size(), "an abandoned attempt is out of line: nobody is woken for it");
    }

    @Test
    void keysAreDigestsSoLongNamesCostNoMore() {
        String longName = "x".repeat(10_000);
        fail(longName, null);
        assertTrue(throttle.remembersUser(longName));
        assertEquals(1, throttle.trackedKeys());
        LoginThrottle.Attempt uncounted = throttle.attempt(null, "10.0.6.1", NO_WAKE);
        assertEquals(0, uncounted.turn());
        uncounted.checked(false);
        assertEquals(2, throttle.trackedKeys(), "a name not counted per user leaves only its address");
    }

    @Test
    void successfulLoginsLeaveNothingBehind() {
        for (int i = 0; i < 100; i++) {
            login(throttle, "frank" + i, "10.0.7." + i, true);
        }
        assertEquals(0, throttle.trackedKeys());
    }

    @Test
    void zeroBaseTurnsTheBackoffOff() {
        LoginThrottle off = throttle(Duration.ZERO, MAX);
        for (int i = 0; i < 10; i++) {
            assertEquals(Duration.ZERO, login(off, "eve", "10.0.4.1", false));
        }
        assertEquals(0, off.trackedKeys());
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfNames() {
        for (int i = 0; i < LoginThrottle.MAX_TRACKED_KEYS + 1_000; i++) {
            fail("user-" + i, null);
        }
        assertEquals(LoginThrottle.MAX_TRACKED_KEYS, throttle.trackedKeys());
        assertFalse(throttle.remembersUser("user-0"), "the least recently failed were forgotten");
        assertTrue(throttle.remembersUser("user-" + LoginThrottle.MAX_TRACKED_KEYS));
    }

    @Test
    void theDoublingStopsAndNothingOverflows() {
        LoginThrottle wide = throttle(Duration.ofNanos(1), Duration.ofDays(365L * 100));
        assertEquals(Duration.ofNanos(1L << 20), wide.delayAfter(100), "the doubling stops after 20 steps");
        LoginThrottle endless = throttle(Duration.ofSeconds(1), Duration.ofDays(365L * 1_000_000), Duration.ofDays(365L * 1_000));
        assertEquals(Duration.ofSeconds(1L << 20), endless.delayAfter(100),
                "a maximum beyond 292 years of nanoseconds is taken as unbounded");
        for (int i = 0; i < 30; i++) {
            LoginThrottle.Attempt a = endless.attempt("grace", null, NO_WAKE);
            long wait;
            while ((wait = a.turn()) != 0) {
                now.addAndGet(wait);
            }
            a.checked(false);
        }
        assertEquals(Duration.ofSeconds(1L << 20), endless.backoff("grace", null));
    }

    @Test
    void refusesInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> throttle(MAX, BASE));
        assertThrows(IllegalArgumentException.class, () -> throttle(BASE.negated(), MAX));
        assertThrows(IllegalArgumentException.class,
                () -> new LoginThrottle(BASE, MAX, QUIET, 0, PER_ADDRESS, now::get, new SecureRandom()));
        assertThrows(IllegalArgumentException.class,
                () -> new LoginThrottle(BASE, MAX, QUIET, PER_USER, 0, now::get, new SecureRandom()));
    }

    @Test
    void anAttemptIsCheckedOnce() {
        LoginThrottle.Attempt a = throttle.attempt("hank", "10.0.8.1", NO_WAKE);
        assertThrows(IllegalStateException.class, () -> a.checked(true), "not before its turn");
        assertEquals(0, a.turn());
        a.checked(true);
        assertThrows(IllegalStateException.class, a::turn);
        assertThrows(IllegalStateException.class, () -> a.checked(true));
    }
}
