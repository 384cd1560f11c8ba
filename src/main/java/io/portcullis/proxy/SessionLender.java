package io.portcullis.proxy;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.UserConfig;
import io.portcullis.pool.Pool;
import io.portcullis.pool.ServerConnection;
import io.portcullis.pool.UserConnectionLimits;
import io.vertx.core.Future;

import static io.portcullis.config.RuntimeSettings.QUERY_WAIT_TIMEOUT;

/**
 * How one session borrows server connections: first a place under its user's
 * {@code maxUserConnections} (waiting in that user's FIFO when the cap is reached), then a
 * connection from the database's pool. The place is given back with the connection
 * ({@link #returned()}), whichever way the connection goes back (reuse, discard, lost).
 *
 * <p>Used on the session's event loop only. The user's cap is read from the current configuration
 * at each borrow, so a change applies to the next one.
 */
final class SessionLender {

    private final Pool pool;
    private final UserConnectionLimits limits;
    private final ConfigStore store;
    private final LiveSettings settings;
    private final String user;
    /** Places taken and not yet given back: 0 or 1 in practice. */
    private int places;

    SessionLender(Pool pool, UserConnectionLimits limits, ConfigStore store, LiveSettings settings, String user) {
        this.pool = pool;
        this.limits = limits;
        this.store = store;
        this.settings = settings;
        this.user = user;
    }

    /** A server connection, counted against the user's cap; a failure leaves nothing taken. */
    Future<ServerConnection> acquire() {
        int max = store.current().user(user).map(UserConfig::maxUserConnections).orElse(0);
        return limits.acquire(user, max, settings.current().get(QUERY_WAIT_TIMEOUT))
                .compose(v -> {
                    places++;
                    return pool.acquire().onFailure(e -> returned());
                });
    }

    /** The session gave its server connection back (or never used the one it got). Idempotent per place. */
    void returned() {
        if (places > 0) {
            places--;
            limits.release(user);
        }
    }

    Pool pool() {
        return pool;
    }
}
