package io.portcullis.observe;

import io.portcullis.proxy.GatewayServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the wire listener is bound, and no longer from the moment a drain starts: in both cases
 * a load balancer must not send new clients here.
 */
@Readiness
@ApplicationScoped
public class WireListenerHealthCheck implements HealthCheck {

    @Inject
    GatewayServer gateway;

    @Override
    public HealthCheckResponse call() {
        int port = gateway.port();
        boolean draining = gateway.draining();
        return HealthCheckResponse.named("wire-listener")
                .status(port > 0 && !draining)
                .withData("port", port)
                .withData("draining", draining)
                .build();
    }
}
