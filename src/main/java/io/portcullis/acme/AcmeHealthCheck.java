package io.portcullis.acme;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness data for automatic certificates: days until the managed certificate expires and the renewal attempts
 * that failed in a row, for alerting. Always UP: a failed renewal leaves a valid certificate served, and an expired
 * one already takes the replica out through {@code tls-certificate}. Numbers only (the readiness endpoint needs no
 * token; the CA's error is on {@code GET /api/v1/tls/acme} and in the log).
 */
@Readiness
@ApplicationScoped
public class AcmeHealthCheck implements HealthCheck {

    @Inject
    AcmeManager acme;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("acme").up();
        var status = acme.status();
        response.withData("managed", status.isPresent());
        status.ifPresent(s -> {
            double days = acme.daysToExpiry();
            response.withData("daysToExpiry", Double.isNaN(days) ? -1 : (long) Math.floor(days))
                    .withData("consecutiveFailures", s.consecutiveFailures())
                    .withData("orderInProgress", s.order() != null);
        });
        return response.build();
    }
}
