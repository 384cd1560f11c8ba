package io.portcullis.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: every failed login is answered only after a delay that doubles with
 * each recent failure for the same user name or from the same client address, from
 * {@code base} up to {@code max}. A quiet period without failures for a key forgets its count.
 *
 * <p>Why both keys: per user stops a distributed guesser aiming at one account, per address stops
 * one client spraying many user names. The delay is the larger of the two, so neither can be
 * reset by varying the other. Successful logins are never delayed and do not reset a count (an
 * attacker who owns one account must not be able to wipe its address's record with it).
 *
 * <p>Memory is bounded: at most {@link #MAX_TRACKED_KEYS} users plus addresses are remembered, the
 * least recently failed forgotten first. A flood of distinct names can therefore push a user's count
 * out, but that flood itself comes from addresses whose own counts grow.
 *
 * <p>Thread-safe (sessions on every event loop report to one instance); each call holds one lock for
 * a few map operations. It never sleeps: callers schedule the answer after {@link #failed}'s delay.
 */
public final class LoginThrottle {

    /** Users plus client addresses remembered at once; about 100 bytes each, so a few MiB at the bound. */
    public static final int MAX_TRACKED_KEYS = 50_000;
    /** The doubling stops here whatever {@code max} is: 2^20 times the base is beyond any sane maximum. */
    private static final int MAX_DOUBLINGS = 20;
    private static final String USER_PREFIX = "u:";
    private static final String ADDRESS_PREFIX = "a:";

    private final long baseNanos;
    private final long maxNanos;
    private final long quietNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED_KEYS;
        }
    };

    /** Failures of one key since its last quiet period. */
    private static final class Failures {
        int count;
        long lastNanos;
    }

    /**
     * @param base delay after the first failure; zero turns the throttle off
     * @param max the longest delay
     * @param quietPeriod after this long without a failure, a key's count starts again from zero
     * @param nanoClock {@link System#nanoTime} in production; a fake in tests
     */
    public LoginThrottle(Duration base, Duration max, Duration quietPeriod, LongSupplier nanoClock) {
        if (base.isNegative() || max.compareTo(base) < 0 || quietPeriod.isNegative()) {
            throw new IllegalArgumentException("login throttle needs 0 <= base <= max and a non-negative quiet period");
        }
        this.baseNanos = saturatedNanos(base);
        this.maxNanos = saturatedNanos(max);
        this.quietNanos = saturatedNanos(quietPeriod);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A throttle on the system clock, as the gateway runs it. */
    public static LoginThrottle of(Duration base, Duration max, Duration quietPeriod) {
        return new LoginThrottle(base, max, quietPeriod, System::nanoTime);
    }

    /**
     * Records a failed login and returns how long to wait before telling the client.
     *
     * @param user the user name the client gave (whether or not it exists)
     * @param clientAddress the client's IP address as text, or null when unknown (then only the user counts)
     */
    public Duration failed(String user, String clientAddress) {
        if (baseNanos == 0) {
            return Duration.ZERO;
        }
        long now = nanoClock.getAsLong();
        int count;
        synchronized (failures) {
            count = record(USER_PREFIX + user, now);
            if (clientAddress != null) {
                count = Math.max(count, record(ADDRESS_PREFIX + clientAddress, now));
            }
        }
        return Duration.ofNanos(delayNanos(count));
    }

    /** The delay the next failure would get, without recording one (for tests and metrics). */
    public Duration pending(String user, String clientAddress) {
        long now = nanoClock.getAsLong();
        synchronized (failures) {
            int count = current(USER_PREFIX + user, now);
            if (clientAddress != null) {
                count = Math.max(count, current(ADDRESS_PREFIX + clientAddress, now));
            }
            return Duration.ofNanos(baseNanos == 0 ? 0 : delayNanos(count + 1));
        }
    }

    /** How many users and addresses are remembered now. */
    public int trackedKeys() {
        synchronized (failures) {
            return failures.size();
        }
    }

    private int record(String key, long now) {
        Failures entry = failures.computeIfAbsent(key, k -> new Failures());
        if (entry.count > 0 && now - entry.lastNanos >= quietNanos) {
            entry.count = 0;
        }
        if (entry.count < Integer.MAX_VALUE) {
            entry.count++;
        }
        entry.lastNanos = now;
        return entry.count;
    }

    private int current(String key, long now) {
        Failures entry = failures.get(key);
        return entry == null || now - entry.lastNanos >= quietNanos ? 0 : entry.count;
    }

    /** {@link Duration#toNanos()} without its overflow: anything beyond 292 years is "forever". */
    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
    }

    /** base · 2^(count−1), capped at max; count ≥ 1. */
    private long delayNanos(int count) {
        int doublings = Math.min(count - 1, MAX_DOUBLINGS);
        long delay = baseNanos;
        for (int i = 0; i < doublings && delay < maxNanos; i++) {
            delay = delay > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delay * 2;
        }
        return Math.min(delay, maxNanos);
    }
}
