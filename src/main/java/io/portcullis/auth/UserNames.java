package io.portcullis.auth;

import io.portcullis.config.ConfigValidator;

import java.nio.charset.StandardCharsets;

/**
 * The user name a client logs in with. No configured user has a name longer than PostgreSQL's
 * {@code NAMEDATALEN - 1} = {@value #MAX_BYTES} bytes ({@link ConfigValidator}), so a longer one in a startup
 * packet is refused as an unknown user is, before it is looked up, and is never made a login-throttle key:
 * an unauthenticated client must not choose how much the gateway stores per name.
 */
public final class UserNames {

    /** PostgreSQL's NAMEDATALEN - 1; the longest user name the configuration accepts. */
    public static final int MAX_BYTES = ConfigValidator.MAX_NAME_LENGTH;

    private UserNames() {
    }

    /** Whether {@code name} is longer than {@value #MAX_BYTES} bytes in UTF-8 (no configured user can have it). */
    public static boolean tooLong(String name) {
        if (name.length() > MAX_BYTES) {
            return true;
        }
        return name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
    }
}
