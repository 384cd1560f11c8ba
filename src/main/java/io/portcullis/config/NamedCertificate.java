package io.portcullis.config;

import java.util.regex.Pattern;

/**
 * A certificate served, instead of the default one, to TLS clients whose server name (SNI) its subject alternative
 * DNS names cover ({@code analytics.example.com}, or {@code *.example.com} for one label), so that
 * {@code sslmode=verify-full} works for every host name on one port. Kept in {@link TlsConfig}: every replica
 * sharing the store serves it. Its key is sealed by {@link SecretBox}, bound by {@link SecretBinding#listenerKey} to
 * the certificate's fingerprint, as the default certificate's is.
 *
 * @param name                 how the API addresses it: lower-case letters, digits and {@code -}, at most 63
 * @param certificateChainPem  the chain, PEM, the server certificate first
 * @param certificateSha256    the server certificate's SHA-256 fingerprint (upper-case hex pairs joined by ':')
 * @param sealedKey            its private key, sealed
 */
public record NamedCertificate(String name, String certificateChainPem, String certificateSha256, String sealedKey) {

    /** What a name may be: it appears in URLs and logs. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Leaves the PEM and the sealed key out. */
    @Override
    public String toString() {
        return "NamedCertificate[name=" + name + ", certificateSha256=" + certificateSha256 + "]";
    }
}
