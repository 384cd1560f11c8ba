package io.portcullis.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the clients the gateway serves, in all and per user, against {@code maxClientConnections}
 * (the setting, PgBouncer's {@code max_client_conn}) and each user's {@code maxClientConnections}
 * (PgBouncer's {@code max_user_client_connections}). A client is counted in all from its startup
 * packet, and for its user only once it has authenticated, so that strangers cannot use up a user's
 * places. Each successful {@code enter} is paired with one {@code leave}.
 *
 * <p>Thread-safe without locks: sessions on every event loop call it.
 */
final class ClientLimits {

    private final AtomicInteger clients = new AtomicInteger();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

    /**
     * Counts one more client unless {@code max} are served already.
     *
     * @param max the limit now; 0 = none
     * @return false when the client must be refused (and is not counted)
     */
    boolean enterGateway(int max) {
        int now = clients.incrementAndGet();
        if (max > 0 && now > max) {
            clients.decrementAndGet();
            return false;
        }
        return true;
    }

    void leaveGateway() {
        clients.decrementAndGet();
    }

    /**
     * Counts one more client of {@code user} unless {@code max} are served already.
     *
     * @param max the user's limit now; 0 = none
     * @return false when the client must be refused (and is not counted)
     */
    boolean enterUser(String user, int max) {
        boolean[] admitted = {false};
        perUser.compute(user, (name, count) -> {
            int held = count == null ? 0 : count;
            if (max > 0 && held >= max) {
                return count;
            }
            admitted[0] = true;
            return held + 1;
        });
        return admitted[0];
    }

    void leaveUser(String user) {
        perUser.computeIfPresent(user, (name, count) -> count <= 1 ? null : count - 1);
    }

    /** Clients counted now. */
    int clients() {
        return clients.get();
    }

    /** Authenticated clients of {@code user} counted now. */
    int clients(String user) {
        return perUser.getOrDefault(user, 0);
    }
}
