package io.portcullis.config;

import java.util.List;

/**
 * Client TLS settings changed through the API ({@code PUT /api/v1/tls}, {@code /tls/client-ca},
 * certificate installs). Kept in the configuration store so that they survive a restart and reach
 * every replica; the certificate and key themselves live in the data directory (the key is a
 * secret and never enters the store).
 *
 * <p>Every field may be unset ({@code null}, or an empty list for {@code protocols} and {@code ciphers}): then the
 * application property ({@code portcullis.tls.mode}, {@code portcullis.tls.protocols},
 * {@code portcullis.tls.ciphers}) applies. A stored file without a {@code tls} object therefore
 * means exactly what it meant before this record existed: no migration.
 *
 * @param mode              {@code disable | allow | prefer | require | verify-ca | verify-full}, or null
 * @param protocols         TLS versions offered ({@code TLSv1.2}, {@code TLSv1.3}); empty = unset
 * @param ciphers           cipher suites (JSSE names); null or empty = unset (the property, else the gateway's
 *                          defaults: TLS 1.3, and TLS 1.2 ECDHE with an AEAD cipher)
 * @param clientCaPem       the CA certificates client certificates must chain to, PEM; null = none
 * @param certificateSha256 fingerprint of the server certificate installed through the API, so that
 *                          installing one moves the configuration version (and so the ETag); null
 *                          until the first install
 */
public record TlsConfig(
        String mode,
        List<String> protocols,
        List<String> ciphers,
        String clientCaPem,
        String certificateSha256) {

    /** Nothing set through the API: the application properties decide. */
    public static final TlsConfig UNSET = new TlsConfig(null, List.of(), null, null, null);

    public TlsConfig {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
    }

    public TlsConfig withSettings(String newMode, List<String> newProtocols, List<String> newCiphers) {
        return new TlsConfig(newMode, newProtocols, newCiphers, clientCaPem, certificateSha256);
    }

    public TlsConfig withClientCaPem(String pem) {
        return new TlsConfig(mode, protocols, ciphers, pem, certificateSha256);
    }

    public TlsConfig withCertificateSha256(String fingerprint) {
        return new TlsConfig(mode, protocols, ciphers, clientCaPem, fingerprint);
    }
}
