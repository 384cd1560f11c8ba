package io.portcullis.observe;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a configuration snapshot is loaded; the data shows which version serves clients. */
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
                .build();
    }
}
