package io.portcullis.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.security.SecureRandom;
import java.time.Duration;

/** Client authentication: how failed logins are slowed down ({@link LoginThrottle}) and how passwords are hashed. */
@ConfigMapping(prefix = "portcullis.auth")
public interface AuthSettings {

    /**
     * Back-off after the first failure of a user or address: the next login attempt of that user or from that
     * address waits this long before its password is checked. Doubles per recent failure. 0 turns it off.
     */
    @WithDefault("100ms")
    Duration failureDelay();

    /** The longest back-off, however many failures. */
    @WithDefault("5s")
    Duration failureDelayMax();

    /** After this long without a failure, a user's or address's count starts again. */
    @WithDefault("60s")
    Duration failureQuietPeriod();

    /**
     * Logins of one user name whose password is being checked or waits for the back-off, at once; more wait in
     * line. Checks of one user run one at a time anyway (each after the back-off the previous failure earned);
     * this bounds how many answers a guesser can have pending, including those of clients that left.
     */
    @WithDefault("2")
    int maxLoginsInProgressPerUser();

    /** As {@link #maxLoginsInProgressPerUser()}, per client IP address: an application host opening many connections at once. */
    @WithDefault("4")
    int maxLoginsInProgressPerAddress();

    /**
     * PBKDF2 iterations of the SCRAM-SHA-256 verifiers made from passwords set from now on (API, PgBouncer
     * import) and of the mock exchange for unknown users. Logins cost Portcullis the same whatever it is (it
     * keeps the derived keys, never the password); the client derives the key at every login, so more iterations
     * cost each connecting client time and make a stolen verifier dearer to attack. Existing users keep theirs
     * until their password is set again.
     */
    @WithDefault("4096")
    int scramIterations();

    /**
     * How long a user looked up in a database's backend ({@code authQuery}) is taken as found, or as not there,
     * before it is looked up again: a role dropped or a password changed in the backend takes effect within this.
     * 0 looks up at every login.
     */
    @WithDefault("30s")
    Duration lookupCacheTtl();

    /** {@link #scramIterations()}, checked: {@link PasswordVerifiers#checkScramIterations(int)}. */
    default int checkedScramIterations() {
        return PasswordVerifiers.checkScramIterations(scramIterations());
    }

    /** The throttle these settings describe, on the system clock. */
    default LoginThrottle throttle() {
        return new LoginThrottle(failureDelay(), failureDelayMax(), failureQuietPeriod(), maxLoginsInProgressPerUser(),
                maxLoginsInProgressPerAddress(), System::nanoTime, new SecureRandom());
    }
}
