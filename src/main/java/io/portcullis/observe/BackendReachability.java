package io.portcullis.observe;

import io.portcullis.config.ConfigChanged;
import io.portcullis.log.LogText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.jboss.logging.Logger;

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
 *
 * <p>The reason a backend is down (host, port, user, the backend's error text) is for operators only: it is
 * logged when a database goes down or the reason changes, and shown by the authenticated API, never by the
 * health endpoint.
 */
@ApplicationScoped
public class BackendReachability {

    private static final Logger LOG = Logger.getLogger(BackendReachability.class);

    /** The latest outcome for one database. */
    public record State(boolean reachable, Instant at, String detail) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    void succeeded(String database) {
        State before = states.put(database, new State(true, Instant.now(), "login ok"));
        if (before != null && !before.reachable()) {
            LOG.infof("backend of database %s is reachable again", LogText.quote(database));
        }
    }

    void failed(String database, String why) {
        String detail = why == null ? "connect or login failed" : why;
        State before = states.put(database, new State(false, Instant.now(), detail));
        // Once per outage (and per new reason), not once per client that hits it.
        if (before == null || before.reachable() || !before.detail().equals(detail)) {
            LOG.warnf("backend of database %s is down: %s", LogText.quote(database), LogText.escape(detail));
        }
    }

    /** The latest outcome, or {@code null} when no connection has been attempted since the database was (re)defined. */
    public State of(String database) {
        return states.get(database);
    }

    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        for (String name : states.keySet()) {
            if (!Objects.equals(change.before().databases().get(name), change.after().databases().get(name))) {
                states.remove(name);
            }
        }
    }
}
