package io.portcullis.config;

import java.util.List;

/**
 * Client TLS settings changed through the API ({@code PUT /api/v1/tls}, {@code /tls/client-ca},
 * certificate installs, CSRs). Kept in the configuration store so that they survive a restart and reach
 * every replica: with a shared store, every replica serves the same certificate. The keys are stored
 * sealed by {@link SecretBox} (bound by {@link SecretBinding#listenerKey} to the certificate's fingerprint,
 * and by {@link SecretBinding#pendingKey}), so a replica needs the shared secret key to serve them.
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
 * @param certificateChainPem the server certificate chain served when no {@code portcullis.tls.cert-file} is
 *                          set, PEM, server certificate first; null until the first start or install stores one
 * @param sealedCertificateKey the key of {@code certificateChainPem}, sealed for
 *                          {@link SecretBinding#listenerKey}({@code certificateSha256}); null with it
 * @param sealedPendingKey  the key of the pending CSR, sealed for {@link SecretBinding#pendingKey}; null when
 *                          no CSR waits for its certificate
 * @param namedCertificates certificates served by the client's TLS server name (SNI) instead of the default one,
 *                          by name; empty when there are none
 * @param acme              automatic certificates (ACME): the domain set managed and its account; null when none is
 *                          managed (left out of the stored document then)
 */
public record TlsConfig(
        String mode,
        List<String> protocols,
        List<String> ciphers,
        String clientCaPem,
        String certificateSha256,
        String certificateChainPem,
        String sealedCertificateKey,
        String sealedPendingKey,
        List<NamedCertificate> namedCertificates,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        AcmeConfig acme) {

    /** Nothing set through the API: the application properties decide. */
    public static final TlsConfig UNSET = new TlsConfig(null, List.of(), null, null, null);

    /** Settings without stored certificate material. */
    public TlsConfig(String mode, List<String> protocols, List<String> ciphers, String clientCaPem,
                     String certificateSha256) {
        this(mode, protocols, ciphers, clientCaPem, certificateSha256, null, null, null, List.of());
    }

    /** Settings and certificates without automatic certificates. */
    public TlsConfig(String mode, List<String> protocols, List<String> ciphers, String clientCaPem,
                     String certificateSha256, String certificateChainPem, String sealedCertificateKey,
                     String sealedPendingKey, List<NamedCertificate> namedCertificates) {
        this(mode, protocols, ciphers, clientCaPem, certificateSha256, certificateChainPem, sealedCertificateKey,
                sealedPendingKey, namedCertificates, null);
    }

    public TlsConfig {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
        namedCertificates = namedCertificates == null ? List.of() : List.copyOf(namedCertificates);
    }

    public TlsConfig withSettings(String newMode, List<String> newProtocols, List<String> newCiphers) {
        return new TlsConfig(newMode, newProtocols, newCiphers, clientCaPem, certificateSha256, certificateChainPem,
                sealedCertificateKey, sealedPendingKey, namedCertificates, acme);
    }

    public TlsConfig withClientCaPem(String pem) {
        return new TlsConfig(mode, protocols, ciphers, pem, certificateSha256, certificateChainPem,
                sealedCertificateKey, sealedPendingKey, namedCertificates, acme);
    }

    /** The server certificate to serve: its chain, fingerprint and sealed key. */
    public TlsConfig withCertificate(String chainPem, String fingerprint, String sealedKey) {
        return new TlsConfig(mode, protocols, ciphers, clientCaPem, fingerprint, chainPem, sealedKey, sealedPendingKey,
                namedCertificates, acme);
    }

    /** A CSR's sealed key, or null once its certificate is installed. */
    public TlsConfig withSealedPendingKey(String sealed) {
        return new TlsConfig(mode, protocols, ciphers, clientCaPem, certificateSha256, certificateChainPem,
                sealedCertificateKey, sealed, namedCertificates, acme);
    }

    /** With {@code certificate} added, or in place of the one of the same name. */
    public TlsConfig withNamedCertificate(NamedCertificate certificate) {
        List<NamedCertificate> next = new java.util.ArrayList<>(namedCertificates.size() + 1);
        boolean replaced = false;
        for (NamedCertificate existing : namedCertificates) {
            if (existing.name().equals(certificate.name())) {
                next.add(certificate);
                replaced = true;
            } else {
                next.add(existing);
            }
        }
        if (!replaced) {
            next.add(certificate);
        }
        return withNamedCertificates(next);
    }

    /** Without the certificate of that name (unchanged when there is none). */
    public TlsConfig withoutNamedCertificate(String name) {
        return withNamedCertificates(namedCertificates.stream().filter(c -> !c.name().equals(name)).toList());
    }

    private TlsConfig withNamedCertificates(List<NamedCertificate> certificates) {
        return new TlsConfig(mode, protocols, ciphers, clientCaPem, certificateSha256, certificateChainPem,
                sealedCertificateKey, sealedPendingKey, certificates, acme);
    }

    /** With automatic certificates managed as {@code newAcme}, or none ({@code null}). */
    public TlsConfig withAcme(AcmeConfig newAcme) {
        return new TlsConfig(mode, protocols, ciphers, clientCaPem, certificateSha256, certificateChainPem,
                sealedCertificateKey, sealedPendingKey, namedCertificates, newAcme);
    }

    /** The certificate of that name, if one is stored. */
    public java.util.Optional<NamedCertificate> namedCertificate(String name) {
        return namedCertificates.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Whether a server certificate with its key is stored. */
    public boolean hasCertificate() {
        return certificateChainPem != null && sealedCertificateKey != null && certificateSha256 != null;
    }

    /** Leaves the PEM and sealed values out: they are long, and the sealed ones are noise without the key. */
    @Override
    public String toString() {
        return "TlsConfig[mode=" + mode + ", protocols=" + protocols + ", ciphers=" + ciphers + ", clientCa="
                + (clientCaPem != null) + ", certificateSha256=" + certificateSha256 + ", certificate stored="
                + hasCertificate() + ", pending key=" + (sealedPendingKey != null) + ", named certificates="
                + namedCertificates.stream().map(NamedCertificate::name).toList() + ", acme=" + acme + "]";
    }
}
