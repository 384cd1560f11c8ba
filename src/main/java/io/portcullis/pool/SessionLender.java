package io.portcullis.pool;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.UserConfig;
import io.vertx.core.Future;

import static io.portcullis.config.RuntimeSettings.QUERY_WAIT_TIMEOUT;

/**
 * How one session borrows server connections, and the only way they go back: first a place under its
 * user's {@code maxUserConnections} (waiting in that user's FIFO when the cap is reached), then a
 * connection from the database's pool. Each {@code giveBack…} method returns the connection to the pool
 * the way the session ended with it and gives the user's place back with it, so the two can never come
 * apart (the pool's own return paths are not public).
 *
 * <pre>
 *   acquire ──▶ user place ──▶ pool lends ──▶ (the session uses it) ──┬─ giveBack(conn, clean)         session over: reset, or close if dirty
 *                  │ fails: nothing taken                           ├─ giveBackBetweenTransactions   transaction over: statements closed, kept
 *                  ▼                                                └─ giveBackLost                  the backend went away: counted out
 *              53300 / the pool's error
 * </pre>
 *
 * <p>Used on the session's event loop only. The user's cap is read from the current configuration
 * at each borrow, so a change applies to the next one.
 */
public final class SessionLender {

    private final Pool pool;
    private final UserConnectionLimits limits;
    private final ConfigStore store;
    private final LiveSettings settings;
    private final String user;
    /** Places taken and not yet given back: 0 or 1 in practice. */
    private int places;

    public SessionLender(Pool pool, UserConnectionLimits limits, ConfigStore store, LiveSettings settings, String user) {
        this.pool = pool;
        this.limits = limits;
        this.store = store;
        this.settings = settings;
        this.user = user;
    }

    /** A server connection, counted against the user's cap; a failure leaves nothing taken. */
    public Future<ServerConnection> acquire() {
        int max = store.current().user(user).map(UserConfig::maxUserConnections).orElse(0);
        return limits.acquire(user, max, settings.current().get(QUERY_WAIT_TIMEOUT))
                .compose(v -> {
                    places++;
                    return pool.acquire().onFailure(e -> placeReturned());
                });
    }

    /**
     * The session is over with this connection (or never used the one it got): a clean one (idle
     * transaction, nothing in flight) is reset and kept, anything else is closed.
     */
    public void giveBack(ServerConnection conn, boolean clean) {
        pool.release(conn, clean);
        placeReturned();
    }

    /**
     * The transaction is over (transaction and statement pooling): the connection is kept for the next
     * borrower, its named statements and portals closed, its session state left as it is.
     */
    public void giveBackBetweenTransactions(ServerConnection conn) {
        pool.releaseBetweenTransactions(conn);
        placeReturned();
    }

    /** The backend closed the connection while it was lent: it is counted out and its slot freed. */
    public void giveBackLost(ServerConnection conn) {
        pool.discard(conn);
        placeReturned();
    }

    /** Idempotent per place: the user's place goes back once, whichever way its connection did. */
    private void placeReturned() {
        if (places > 0) {
            places--;
            limits.release(user);
        }
    }

    public Pool pool() {
        return pool;
    }
}
