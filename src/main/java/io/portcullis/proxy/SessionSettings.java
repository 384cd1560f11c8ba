package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How live configuration changes reach sessions that are already logged in, and the defaults of the
 * session timeouts (values stored through {@code /api/v1/settings} override them; see {@code SessionTimeouts}).
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

    /** A client idle between transactions longer than this is closed with 57P05; 0 = off (PgBouncer: client_idle_timeout). */
    @WithDefault("0s")
    Duration clientIdleTimeout();

    /** A client idle inside a transaction longer than this is closed with 25P03; 0 = off (PgBouncer: idle_transaction_timeout). */
    @WithDefault("0s")
    Duration idleTransactionTimeout();

    /** A request running longer than this is cancelled on the backend; 0 = off (PgBouncer: query_timeout). */
    @WithDefault("0s")
    Duration queryTimeout();
}
