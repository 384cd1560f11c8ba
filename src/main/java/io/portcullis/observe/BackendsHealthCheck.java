package io.portcullis.observe;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.TreeSet;

/**
 * Whether each configured database's backend answered the pool's latest connect and login, at
 * {@code /q/health/group/backends}. Its own group on purpose: one dead backend must not take every
 * gateway replica out of the load balancer, which readiness would do. Reads the cache kept by
 * {@link BackendReachability}; never dials.
 *
 * <p>Data: one entry per database, {@code "up"}, {@code "down"}, {@code "unknown"} (no connection attempted
 * since it was defined) or {@code "disabled"} (waiting for its backend credentials, never dialled). DOWN when any database is down. Nothing more: the endpoint needs no token, and why a
 * backend is down names its host, port and user and quotes its error text. That goes to the log
 * ({@link BackendReachability}) and to the database's {@code backend} status in the API.
 */
@HealthGroup(BackendsHealthCheck.GROUP)
@ApplicationScoped
public class BackendsHealthCheck implements HealthCheck {

    static final String GROUP = "backends";

    @Inject
    ConfigStore store;
    @Inject
    BackendReachability reachability;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(GROUP);
        boolean allUp = true;
        GatewayConfig config = store.current();
        for (String database : new TreeSet<>(config.databases().keySet())) {
            BackendReachability.State state = reachability.of(database);
            if (config.databases().get(database).disabled()) { // no backend to reach until it has credentials
                response.withData(database, "disabled");
            } else if (state == null) {
                response.withData(database, "unknown");
            } else if (state.reachable()) {
                response.withData(database, "up");
            } else {
                allUp = false;
                response.withData(database, "down");
            }
        }
        return response.status(allUp).build();
    }
}
