package io.portcullis.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoginThrottleTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(BASE, MAX, QUIET, now::get);

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void delayDoublesPerFailureUpToTheMaximum() {
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long millis : expected) {
            assertEquals(ms(millis), throttle.failed("alice", "10.0.0.1"));
        }
    }

    @Test
    void oneAddressSprayingUserNamesIsSlowedDown() {
        assertEquals(ms(100), throttle.failed("u1", "10.0.0.2"));
        assertEquals(ms(200), throttle.failed("u2", "10.0.0.2"));
        assertEquals(ms(400), throttle.failed("u3", "10.0.0.2"));
        assertEquals(ms(100), throttle.failed("u4", "10.0.0.3"), "another address starts from the base");
    }

    @Test
    void oneUserGuessedFromManyAddressesIsSlowedDown() {
        assertEquals(ms(100), throttle.failed("bob", "10.0.1.1"));
        assertEquals(ms(200), throttle.failed("bob", "10.0.1.2"));
        assertEquals(ms(400), throttle.failed("bob", "10.0.1.3"));
        assertEquals(ms(800), throttle.failed("bob", null), "no address: the user's count alone");
    }

    @Test
    void aQuietPeriodForgetsTheCount() {
        throttle.failed("carol", "10.0.2.1");
        throttle.failed("carol", "10.0.2.1");
        now.addAndGet(QUIET.toNanos() - 1);
        assertEquals(ms(400), throttle.failed("carol", "10.0.2.1"), "still within the quiet period");
        now.addAndGet(QUIET.toNanos());
        assertEquals(ms(100), throttle.failed("carol", "10.0.2.1"));
    }

    @Test
    void pendingDoesNotCount() {
        assertEquals(ms(100), throttle.pending("dave", "10.0.3.1"));
        assertEquals(ms(100), throttle.pending("dave", "10.0.3.1"));
        throttle.failed("dave", "10.0.3.1");
        assertEquals(ms(200), throttle.pending("dave", "10.0.3.1"));
    }

    @Test
    void zeroBaseTurnsItOff() {
        LoginThrottle off = new LoginThrottle(Duration.ZERO, MAX, QUIET, now::get);
        for (int i = 0; i < 10; i++) {
            assertEquals(Duration.ZERO, off.failed("eve", "10.0.4.1"));
        }
        assertEquals(0, off.trackedKeys());
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfNames() {
        for (int i = 0; i < LoginThrottle.MAX_TRACKED_KEYS + 1_000; i++) {
            throttle.failed("user-" + i, null);
        }
        assertEquals(LoginThrottle.MAX_TRACKED_KEYS, throttle.trackedKeys());
        assertEquals(ms(100), throttle.failed("user-0", null), "the least recently failed were forgotten");
    }

    @Test
    void theDoublingStopsAndNothingOverflows() {
        LoginThrottle wide = new LoginThrottle(Duration.ofNanos(1), Duration.ofDays(365L * 100), QUIET, now::get);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            last = wide.failed("frank", null);
        }
        assertEquals(Duration.ofNanos(1L << 20), last, "the doubling stops after 20 steps");
        LoginThrottle endless = new LoginThrottle(Duration.ofSeconds(1), Duration.ofDays(365L * 1_000_000), QUIET, now::get);
        for (int i = 0; i < 100; i++) {
            last = endless.failed("grace", null);
        }
        assertEquals(Duration.ofSeconds(1L << 20), last, "a maximum beyond 292 years of nanoseconds is taken as unbounded");
    }

    @Test
    void refusesInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle(MAX, BASE, QUIET, now::get));
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle(BASE.negated(), MAX, QUIET, now::get));
    }
}
