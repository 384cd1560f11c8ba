package io.portcullis.observe;

import io.portcullis.tls.ClientTlsMode;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.TlsMaterial;
import io.portcullis.tls.TlsSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;

/**
 * Ready only while the served certificate chain is valid: with an expired certificate every TLS
 * client fails its handshake, so the replica must leave the load balancer. A certificate inside
 * {@code portcullis.tls.expiry-warning} of its end stays UP but says so in the data
 * ({@code expiresSoon: true}), for alerting before it breaks. Down too while the certificate in the
 * configuration store cannot be served here (its sealed key does not open with this replica's secret key):
 * behind a balancer, this replica would hand clients another certificate than its peers. Reads the live
 * material; no I/O.
 */
@Readiness
@ApplicationScoped
public class TlsCertificateHealthCheck implements HealthCheck {

    @Inject
    TlsAdministration tls;
    @Inject
    TlsSettings settings;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("tls-certificate")
                .withData("mode", tls.mode().wireName());
        TlsMaterial material = tls.material();
        CertificateValidity validity = CertificateValidity.of(material.chain(), Instant.now(), settings.expiryWarning());
        response.withData("subject", material.info().subject())
                .withData("notAfter", String.valueOf(validity.notAfter()))
                .withData("daysLeft", validity.timeLeft().toDays())
                .withData("expiresSoon", validity.expiresSoon())
                .withData("expiryWarningDays", settings.expiryWarning().toDays());
        if (validity.problem() != null) {
            response.withData("problem", validity.problem());
        }
        // Says only that: the reason (which names the secret key setting) is in the log.
        boolean storedServed = tls.storedCertificateProblem().isEmpty();
        if (!storedServed) {
            response.withData("storedCertificate", "not served here (see the log)");
        }
        // With TLS disabled the certificate is never served: its state cannot stop clients.
        return response.status((validity.valid() && storedServed) || tls.mode() == ClientTlsMode.DISABLE).build();
    }
}
