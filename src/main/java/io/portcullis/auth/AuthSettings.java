package io.portcullis.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Client authentication: how failed logins are slowed down ({@link LoginThrottle}) and how passwords are hashed. */
@ConfigMapping(prefix = "portcullis.auth")
public interface AuthSettings {

    /** Delay before the first failure of a user or address is answered; doubles per failure. 0 turns it off. */
    @WithDefault("100ms")
    Duration failureDelay();

    /** The longest delay, however many failures. */
    @WithDefault("5s")
    Duration failureDelayMax();

    /** After this long without a failure, a user's or address's count starts again. */
    @WithDefault("60s")
    Duration failureQuietPeriod();

    /**
     * PBKDF2 iterations of the SCRAM-SHA-256 verifiers made from passwords set from now on (API, PgBouncer
     * import) and of the mock exchange for unknown users. Logins cost Portcullis the same whatever it is (it
     * keeps the derived keys, never the password); the client derives the key at every login, so more iterations
     * cost each connecting client time and make a stolen verifier dearer to attack. Existing users keep theirs
     * until their password is set again.
     */
    @WithDefault("4096")
    int scramIterations();

    /** {@link #scramIterations()}, checked: {@link PasswordVerifiers#checkScramIterations(int)}. */
    default int checkedScramIterations() {
        return PasswordVerifiers.checkScramIterations(scramIterations());
    }

    /** The throttle these settings describe. */
    default LoginThrottle throttle() {
        return LoginThrottle.of(failureDelay(), failureDelayMax(), failureQuietPeriod());
    }
}
