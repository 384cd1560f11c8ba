package io.portcullis.observe;

import io.portcullis.config.ConfigChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last thing each database's pool learned about its backend: whether the latest connect and
 * login succeeded, when, and why not. Updated by the pool as a side effect of real traffic (see
 * {@link DatabaseMeters}), read by {@link BackendsHealthCheck}: a probe never dials a backend.
 *
 * <p>A changed or deleted database forgets what was learned about it: the old address says nothing
 * about the new one.
 */
@ApplicationScoped
public class BackendReachability {

    /** The latest outcome for one database. */
    public record State(boolean reachable, Instant at, String detail) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    void succeeded(String database) {
        states.put(database, new State(true, Instant.now(), "login ok"));
    }

    void failed(String database, String why) {
        states.put(database, new State(false, Instant.now(), why == null ? "connect or login failed" : why));
    }

    /** The latest outcome, or {@code null} when no connection has been attempted since the database was (re)defined. */
    public State of(String database) {
        return states.get(database);
    }

    void onConfigChanged(@Observes ConfigChanged change) {
        for (String name : states.keySet()) {
            if (!Objects.equals(change.before().databases().get(name), change.after().databases().get(name))) {
                states.remove(name);
            }
        }
    }
}
