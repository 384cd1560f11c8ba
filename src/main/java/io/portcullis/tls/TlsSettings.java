package io.portcullis.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** Client-facing TLS: the mode clients must follow and the protocol versions offered. */
@ConfigMapping(prefix = "portcullis.tls")
public interface TlsSettings {

    /** {@code disable | allow | prefer | require | verify-ca | verify-full}, PgBouncer's client_tls_sslmode semantics. */
    @WithDefault("require")
    String mode();

    /** TLS 1.2 and 1.3 only; older versions are refused whatever is configured. */
    @WithDefault("TLSv1.3,TLSv1.2")
    List<String> protocols();

    /** Readiness reports the certificate as expiring soon (in its data) once it has less than this left. */
    @WithDefault("14d")
    Duration expiryWarning();
}
