package io.portcullis.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing, for parallel guessers too. Every login whose proof (SCRAM client-final, md5
 * response) has arrived is an {@link Attempt}; it goes through three gates before its proof is checked:
 * <ol>
 *   <li><b>A place.</b> At most {@code maxPerUser} attempts of one user name and {@code maxPerAddress} of one
 *       client address are in progress at once; more wait in line (first come, first served) and take no
 *       resources but their connection.</li>
 *   <li><b>The back-off.</b> Each failure of a user name or an address puts it in back-off for a delay that
 *       doubles with each recent failure, from {@code base} up to {@code max}. An attempt whose user or address
 *       is in back-off waits it out <em>before</em> its proof is checked, so the answer comes after the same
 *       delay whether the password is right or wrong, and a guesser that gives up early learns nothing.</li>
 *   <li><b>One check at a time</b> per user and per address: the failure of one check puts the key in
 *       back-off before the next check of it starts, so parallel guesses for one user are serialised, each
 *       after the back-off the previous one earned.</li>
 * </ol>
 * The caller checks the proof as soon as {@link Attempt#turn()} says so and reports the outcome with
 * {@link Attempt#checked}, which counts a failure whether or not the client is still there to hear it.
 * A quiet period without failures forgets a key's count. Successful logins do not reset a count (an
 * attacker who owns one account must not be able to wipe its address's record with it).
 *
 * <p>Why both keys: per user stops a distributed guesser aiming at one account, per address stops one client
 * spraying many user names. An attempt waits for whichever is later, so neither can be reset by varying the
 * other.
 *
 * <p><b>Memory.</b> Keys are fixed-size digests, never the names themselves: the first 128 bits of
 * HMAC-SHA-256 under a random per-process key, so that a client can neither make the table hold its long
 * names nor engineer two names onto one entry. At most {@link #MAX_TRACKED_KEYS} keys are remembered (the
 * least recently used without an attempt in progress are forgotten first), each about
 * {@value #APPROXIMATE_BYTES_PER_KEY} bytes: about 7 MiB at the bound, whatever clients send. A flood of
 * distinct names can push a user's count out, but that flood itself comes from addresses whose own counts
 * grow.
 *
 * <p>Thread-safe (sessions on every event loop use one instance); each call holds one lock for a few map
 * operations and an HMAC. It never sleeps and owns no timer: {@link Attempt#turn()} says how long to wait,
 * and the {@code wake} callback given to {@link #attempt} is called (on the releasing thread, after the lock
 * is released) when a waiting attempt has been given its place.
 */
public final class LoginThrottle {

    /** Users plus client addresses remembered at once. */
    public static final int MAX_TRACKED_KEYS = 50_000;
    /**
     * A remembered key: its 16-byte digest record, its state and the map entry that holds them (measured on a
     * 64-bit JVM with compressed pointers: 142 bytes).
     */
    static final int APPROXIMATE_BYTES_PER_KEY = 150;
    /** {@link Attempt#turn()}: the attempt waits in line and will be woken. */
    public static final long WAIT_FOR_WAKE = -1;
    /**
     * {@link Attempt#turn()} while another attempt of the same key is being checked right now: a check is a
     * few microseconds of synchronous work on some event loop, so asking again this soon is enough.
     */
    static final long RETRY_NANOS = 1_000_000;
    /** The doubling stops here whatever {@code max} is: 2^20 times the base is beyond any sane maximum. */
    private static final int MAX_DOUBLINGS = 20;
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final byte USER_KIND = 'u';
    private static final byte ADDRESS_KIND = 'a';

    private final long baseNanos;
    private final long maxNanos;
    private final long quietNanos;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final LongSupplier nanoClock;
    /** Guarded by {@link #keys}; a Mac is not thread-safe and the lock is held anyway. */
    private final Mac mac;
    /** In access order: the eldest is the least recently used. Guarded by itself. */
    private final LinkedHashMap<Key, KeyState> keys = new LinkedHashMap<>(256, 0.75f, true);

    /** A user name's or an address's digest. */
    record Key(long high, long low) {
    }

    /** What is known about one key. Guarded by {@link #keys}. */
    private static final class KeyState {
        final Key key;
        final int maxInProgress;
        int failures;
        long lastFailureNanos;
        long blockedUntilNanos;
        /** Attempts holding a place. */
        int inProgress;
        /** Whether one of them is being checked right now. */
        boolean checking;
        /** Attempts referring to this state (in line or in progress): it must not be forgotten meanwhile. */
        int holders;
        /** Attempts waiting for a place, first come first served; made when the first one waits. */
        ArrayDeque<Attempt> waiting;

        ArrayDeque<Attempt> waiting() {
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            return waiting;
        }

        KeyState(Key key, int maxInProgress) {
            this.key = key;
            this.maxInProgress = maxInProgress;
        }
    }

    /**
     * @param base delay after the first failure; zero turns the back-off off (places and one check at a time
     *             still apply)
     * @param max the longest delay
     * @param quietPeriod after this long without a failure, a key's count starts again from zero
     * @param maxPerUser attempts of one user name in progress at once, at least 1
     * @param maxPerAddress attempts from one client address in progress at once, at least 1
     * @param nanoClock {@link System#nanoTime} in production; a fake in tests
     * @param random where the digest key comes from
     */
    public LoginThrottle(Duration base, Duration max, Duration quietPeriod, int maxPerUser, int maxPerAddress,
                         LongSupplier nanoClock, SecureRandom random) {
        if (base.isNegative() || max.compareTo(base) < 0 || quietPeriod.isNegative()) {
            throw new IllegalArgumentException("login throttle needs 0 <= failure-delay <= failure-delay-max and a "
                    + "non-negative failure-quiet-period");
        }
        if (maxPerUser < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("portcullis.auth.max-logins-in-progress-per-user and -per-address must be "
                    + "at least 1, not " + maxPerUser + " and " + maxPerAddress);
        }
        this.baseNanos = saturatedNanos(base);
        this.maxNanos = saturatedNanos(max);
        this.quietNanos = saturatedNanos(quietPeriod);
        this.maxPerUser = maxPerUser;
        this.maxPerAddress = maxPerAddress;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            this.mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + MAC_ALGORITHM, e);
        }
    }

    /**
     * A new attempt; it holds nothing until its first {@link Attempt#turn()}.
     *
     * @param user the user name the client gave (whether or not it exists), or null not to count it per user
     *             (a name too long to be anyone's, refused before any lookup)
     * @param clientAddress the client's IP address as text, or null when unknown
     * @param wake called, on whichever thread releases a place and after the lock is released, when an attempt
     *             that waited in line has been given its place: call {@link Attempt#turn()} again (on the
     *             connection's own thread)
     */
    public Attempt attempt(String user, String clientAddress, Runnable wake) {
        Objects.requireNonNull(wake, "wake");
        synchronized (keys) {
            KeyState userState = user == null ? null : hold(digest(USER_KIND, user), maxPerUser);
            KeyState addressState = clientAddress == null ? null : hold(digest(ADDRESS_KIND, clientAddress), maxPerAddress);
            return new Attempt(userState, addressState, wake, nanoClock.getAsLong());
        }
    }

    /** How long a new attempt of this user from this address would wait for the back-off now (tests, metrics). */
    public Duration backoff(String user, String clientAddress) {
        synchronized (keys) {
            long now = nanoClock.getAsLong();
            long wait = 0;
            if (user != null) {
                wait = Math.max(wait, remaining(keys.get(digest(USER_KIND, user)), now));
            }
            if (clientAddress != null) {
                wait = Math.max(wait, remaining(keys.get(digest(ADDRESS_KIND, clientAddress)), now));
            }
            return Duration.ofNanos(wait);
        }
    }

    /** Recent failures counted for this user name (0 when it is not remembered). */
    public int failuresOfUser(String user) {
        synchronized (keys) {
            KeyState state = keys.get(digest(USER_KIND, user));
            return state == null ? 0 : currentFailures(state, nanoClock.getAsLong());
        }
    }

    /** Whether anything is remembered for this user name. */
    public boolean remembersUser(String user) {
        synchronized (keys) {
            return keys.containsKey(digest(USER_KIND, user));
        }
    }

    /** How many users and addresses are remembered now. */
    public int trackedKeys() {
        synchronized (keys) {
            return keys.size();
        }
    }

    /** The back-off delay after {@code count} recent failures: base · 2^(count−1), capped at max; count ≥ 1. */
    public Duration delayAfter(int count) {
        return Duration.ofNanos(delayNanos(count));
    }

    /**
     * One login from the moment its proof arrived until the proof has been checked. Use it from one thread at
     * a time (the connection's event loop); the throttle's own state is shared safely.
     */
    public final class Attempt {

        private final KeyState user;
        private final KeyState address;
        private final Runnable wake;
        private final long createdNanos;
        private Phase phase = Phase.NEW;
        private long waitedNanos;

        private Attempt(KeyState user, KeyState address, Runnable wake, long createdNanos) {
            this.user = user;
            this.address = address;
            this.wake = wake;
            this.createdNanos = createdNanos;
        }

        /**
         * What to do now.
         *
         * @return 0: check the proof now, then call {@link #checked} (this attempt holds its keys' check until
         *     then); a positive number: ask again after that many nanoseconds (back-off, or another check of the
         *     same key running); {@link #WAIT_FOR_WAKE}: the attempt waits for a place and its {@code wake} will
         *     be called
         * @throws IllegalStateException after {@link #checked} or {@link #abandon}
         */
        public long turn() {
            synchronized (keys) {
                switch (phase) {
                    case DONE, CHECKING -> throw new IllegalStateException("this login attempt is " + phase);
                    case WAITING -> {
                        return WAIT_FOR_WAKE;
                    }
                    case NEW -> {
                        if (!placeFree()) {
                            enqueue();
                            phase = Phase.WAITING;
                            return WAIT_FOR_WAKE;
                        }
                        admit();
                    }
                    default -> {
                        // ADMITTED: on to the back-off
                    }
                }
                long now = nanoClock.getAsLong();
                long wait = Math.max(remaining(user, now), remaining(address, now));
                if (wait > 0) {
                    return wait;
                }
                if ((user != null && user.checking) || (address != null && address.checking)) {
                    return RETRY_NANOS;
                }
                setChecking(true);
                phase = Phase.CHECKING;
                waitedNanos = now - createdNanos;
                return 0;
            }
        }

        /**
         * The proof was checked: a failure is counted (and puts user and address in back-off), the place is
         * given to the next attempt in line. Call it whether or not the client is still connected.
         */
        public void checked(boolean succeeded) {
            List<Attempt> woken;
            synchronized (keys) {
                if (phase != Phase.CHECKING) {
                    throw new IllegalStateException("checked() needs a turn() that answered 0, not phase " + phase);
                }
                setChecking(false);
                if (!succeeded) {
                    long now = nanoClock.getAsLong();
                    fail(user, now);
                    fail(address, now);
                }
                woken = finish();
            }
            woken.forEach(a -> a.wake.run());
        }

        /**
         * Gives up an attempt whose proof was not checked (its client left while it waited in line). An attempt
         * that already holds a place should rather be checked: its client sent the proof, and the verdict is
         * counted whether or not it is still there.
         */
        public void abandon() {
            List<Attempt> woken;
            synchronized (keys) {
                if (phase == Phase.DONE) {
                    return;
                }
                if (phase == Phase.CHECKING) {
                    throw new IllegalStateException("a login attempt being checked must be reported with checked()");
                }
                if (phase == Phase.WAITING) {
                    dequeue();
                }
                woken = finish();
            }
            woken.forEach(a -> a.wake.run());
        }

        /** Whether this attempt holds its places (it will be checked once the back-off allows). */
        public boolean admitted() {
            synchronized (keys) {
                return phase == Phase.ADMITTED || phase == Phase.CHECKING;
            }
        }

        /** From {@link #attempt} to the {@link #turn()} that answered 0: how long the throttle held it. */
        public Duration waited() {
            synchronized (keys) {
                return Duration.ofNanos(waitedNanos);
            }
        }

        private boolean placeFree() {
            return (user == null || user.inProgress < user.maxInProgress)
                    && (address == null || address.inProgress < address.maxInProgress);
        }

        private void admit() {
            if (user != null) {
                user.inProgress++;
            }
            if (address != null) {
                address.inProgress++;
            }
            phase = Phase.ADMITTED;
        }

        private void enqueue() {
            if (user != null) {
                user.waiting().addLast(this);
            }
            if (address != null) {
                address.waiting().addLast(this);
            }
        }

        private void dequeue() {
            if (user != null && user.waiting != null) {
                user.waiting.remove(this);
            }
            if (address != null && address.waiting != null) {
                address.waiting.remove(this);
            }
        }

        private void setChecking(boolean checking) {
            if (user != null) {
                user.checking = checking;
            }
            if (address != null) {
                address.checking = checking;
            }
        }

        /** Leaves places and keys; returns the waiting attempts that got a place. Under the lock. */
        private List<Attempt> finish() {
            boolean held = phase == Phase.ADMITTED || phase == Phase.CHECKING;
            phase = Phase.DONE;
            if (held) {
                if (user != null) {
                    user.inProgress--;
                }
                if (address != null) {
                    address.inProgress--;
                }
            }
            List<Attempt> woken = new ArrayList<>();
            admitWaiting(user, woken);
            admitWaiting(address, woken);
            release(user);
            release(address);
            return woken;
        }
    }

    private enum Phase { NEW, WAITING, ADMITTED, CHECKING, DONE }

    /** Gives free places of {@code state} to waiting attempts, first come first served. Under the lock. */
    private static void admitWaiting(KeyState state, List<Attempt> woken) {
        if (state == null || state.waiting == null) {
            return;
        }
        for (Iterator<Attempt> it = state.waiting.iterator(); it.hasNext() && state.inProgress < state.maxInProgress; ) {
            Attempt next = it.next();
            if (next.placeFree()) {
                it.remove();
                next.dequeue();
                next.admit();
                woken.add(next);
            }
        }
    }

    private KeyState hold(Key key, int maxInProgress) {
        KeyState state = keys.get(key);
        if (state == null) {
            state = new KeyState(key, maxInProgress);
            keys.put(key, state);
            forgetEldestIfFull();
        }
        state.holders++;
        return state;
    }

    /** An attempt is done with a key: one that holds nothing worth remembering is forgotten at once. */
    private void release(KeyState state) {
        if (state == null) {
            return;
        }
        state.holders--;
        if (state.holders == 0 && currentFailures(state, nanoClock.getAsLong()) == 0 && keys.get(state.key) == state) {
            keys.remove(state.key);
        }
    }

    private void forgetEldestIfFull() {
        if (keys.size() <= MAX_TRACKED_KEYS) {
            return;
        }
        for (Iterator<KeyState> it = keys.values().iterator(); it.hasNext(); ) {
            if (it.next().holders == 0) {
                it.remove();
                return;
            }
        }
    }

    private void fail(KeyState state, long now) {
        if (state == null || baseNanos == 0) {
            return;
        }
        int count = currentFailures(state, now);
        state.failures = count == Integer.MAX_VALUE ? count : count + 1;
        state.lastFailureNanos = now;
        long delay = delayNanos(state.failures);
        state.blockedUntilNanos = now + Math.min(delay, Long.MAX_VALUE / 4);
    }

    private int currentFailures(KeyState state, long now) {
        if (state.failures > 0 && now - state.lastFailureNanos >= quietNanos) {
            state.failures = 0;
        }
        return state.failures;
    }

    /** Nanoseconds of back-off left for {@code state}, 0 when none. */
    private long remaining(KeyState state, long now) {
        if (state == null || currentFailures(state, now) == 0) {
            return 0;
        }
        return Math.max(0, state.blockedUntilNanos - now);
    }

    private Key digest(byte kind, String name) {
        mac.update(kind);
        byte[] out = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.wrap(out);
        return new Key(bytes.getLong(), bytes.getLong());
    }

    /** {@link Duration#toNanos()} without its overflow: anything beyond 292 years is "forever". */
    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
    }

    private long delayNanos(int count) {
        if (count < 1 || baseNanos == 0) {
            return 0;
        }
        int doublings = Math.min(count - 1, MAX_DOUBLINGS);
        long delay = baseNanos;
        for (int i = 0; i < doublings && delay < maxNanos; i++) {
            delay = delay > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delay * 2;
        }
        return Math.min(delay, maxNanos);
    }
}
