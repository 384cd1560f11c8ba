package io.portcullis.observe;

import io.portcullis.proxy.GatewayServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the wire listener is bound: before that a load balancer must not send clients here. */
@Readiness
@ApplicationScoped
public class WireListenerHealthCheck implements HealthCheck {

    @Inject
    GatewayServer gateway;

    @Override
    public HealthCheckResponse call() {
        int port = gateway.port();
        return HealthCheckResponse.named("wire-listener")
                .status(port > 0)
                .withData("port", port)
                .build();
    }
}
