package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How live configuration changes reach sessions that are already logged in. The session timeouts
 * ({@code portcullis.session.*-timeout}) are settings of {@link io.portcullis.config.RuntimeSettings}.
 */
@ConfigMapping(prefix = "portcullis.session")
public interface SessionSettings {

    /** What happens to a session whose database or user is deleted (or no longer allowed). */
    enum OnRemoval {
        /** End it at once with 57P01; a transaction in progress is lost (rolled back by the backend). */
        IMMEDIATE,
        /** Let the current transaction finish, then end it with 57P01. */
        AFTER_TRANSACTION
    }

    @WithDefault("immediate")
    OnRemoval onRemoval();
}
