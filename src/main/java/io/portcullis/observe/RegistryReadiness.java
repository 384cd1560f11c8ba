package io.portcullis.observe;

import io.portcullis.cluster.ReplicaReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What the replica registry writes as "ready": every readiness check UP, as {@code /q/health/ready} would answer.
 * The checks read cached state only, so calling them from the registry's thread costs nothing.
 */
@ApplicationScoped
public class RegistryReadiness implements ReplicaReadiness {

    @Inject
    @Any
    @Readiness
    Instance<HealthCheck> checks;

    @Override
    public boolean ready() {
        for (HealthCheck check : checks) {
            try {
                if (check.call().getStatus() != HealthCheckResponse.Status.UP) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }
}
