package io.portcullis.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How failed logins are slowed down; see {@link LoginThrottle}. */
@ConfigMapping(prefix = "portcullis.auth")
public interface LoginThrottleSettings {

    /** Delay before the first failure of a user or address is answered; doubles per failure. 0 turns it off. */
    @WithDefault("100ms")
    Duration failureDelay();

    /** The longest delay, however many failures. */
    @WithDefault("5s")
    Duration failureDelayMax();

    /** After this long without a failure, a user's or address's count starts again. */
    @WithDefault("60s")
    Duration failureQuietPeriod();

    /** The throttle these settings describe. */
    default LoginThrottle throttle() {
        return LoginThrottle.of(failureDelay(), failureDelayMax(), failureQuietPeriod());
    }
}
