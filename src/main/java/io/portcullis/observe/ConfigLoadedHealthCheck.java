package io.portcullis.observe;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a configuration snapshot is loaded; the data shows which version serves clients. A shared store
 * that cannot be reached right now is reported in the data ({@code store: unreachable}; why, which names the
 * store's host, is in the log only: this endpoint needs no token) but keeps the check UP: the gateway
 * serves its last good configuration, and taking every replica out of service because the store is down would
 * turn a store outage into a gateway outage.
 */
@Readiness
@ApplicationScoped
public class ConfigLoadedHealthCheck implements HealthCheck {

    @Inject
    ConfigStore store;

    @Override
    public HealthCheckResponse call() {
        GatewayConfig config = store.current();
        if (config == null) {
            return HealthCheckResponse.down("configuration");
        }
        return HealthCheckResponse.named("configuration").up()
                .withData("version", config.version())
                .withData("databases", config.databases().size())
                .withData("users", config.users().size())
                .withData("store", store.problem().isPresent() ? "unreachable" : "reachable")
                .build();
    }
}
