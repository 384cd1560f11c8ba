package io.portcullis.observe;

import io.portcullis.proxy.GatewayServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started once the wire listener is bound (TLS material loaded, configuration read, verticles
 * deployed). Until then an orchestrator holds off its liveness probe instead of killing a slow start.
 */
@Startup
@ApplicationScoped
public class GatewayStartupCheck implements HealthCheck {

    @Inject
    GatewayServer gateway;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway-started").status(gateway.port() > 0).build();
    }
}
