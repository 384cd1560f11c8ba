package io.portcullis.migrate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The client-facing TLS settings found in {@code [pgbouncer]}, translated to Portcullis terms. They
 * are reported, not applied: the listener's TLS mode, protocols and certificate are not part of the
 * stored configuration an import writes, so {@link #howToApply} lists the settings and API calls that
 * apply them.
 */
@Schema(name = "ImportedTlsSettings", description = "Client TLS settings found in pgbouncer.ini, as Portcullis would set them")
public record TlsSettingsReport(
        @Schema(description = "whether the import applied them; always false: apply them with howToApply")
        boolean applied,
        @Schema(description = "client TLS mode from client_tls_sslmode", example = "require")
        String mode,
        @Schema(description = "TLS versions from client_tls_protocols (1.0 and 1.1 are never offered)")
        List<String> protocols,
        @Schema(description = "TLS 1.3 cipher suites from client_tls13_ciphers")
        List<String> ciphers,
        @Schema(description = "client_tls_cert_file")
        String certificateFile,
        @Schema(description = "client_tls_key_file")
        String privateKeyFile,
        @Schema(description = "client_tls_ca_file (verifies client certificates)")
        String clientCaFile,
        @Schema(description = "serverTls given to the imported databases, from server_tls_sslmode", example = "disable")
        String serverTls,
        @Schema(description = "settings and API calls that apply the above")
        List<String> howToApply) {

    public TlsSettingsReport {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
        howToApply = howToApply == null ? List.of() : List.copyOf(howToApply);
    }
}
