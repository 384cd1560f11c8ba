package io.portcullis.config;

import java.util.List;

/**
 * Automatic certificates (ACME, RFC 8555): what {@code PUT /api/v1/tls/acme} asked for, and the account registered
 * for it. Kept in {@link TlsConfig}, so it survives a restart and every replica sharing the store sees it. The
 * account key is sealed by {@link SecretBox}, bound by {@link SecretBinding#acmeAccountKey} to the directory URL it was
 * registered with; the external account binding's HMAC key, needed only until the account exists, is sealed for
 * {@link SecretBinding#acmeEabKey} and dropped once the account is registered.
 *
 * @param directoryUrl     the CA's ACME directory, https
 * @param email            the account's contact address
 * @param domains          the DNS names of the one certificate managed, in the order given
 * @param directoryCaPem   CA certificates (PEM) trusted for the directory's HTTPS instead of the JDK's, or null
 * @param certificateName  null: the managed certificate is the default one; else it is served by SNI as the named
 *                         certificate of that name ({@link NamedCertificate})
 * @param eabKeyId         the external account binding's key id, or null
 * @param sealedEabHmacKey its HMAC key (base64url), sealed; null without binding or once the account exists
 * @param accountLocation  the account's URL at the CA, null until registered
 * @param sealedAccountKey the account's key pair (PKCS#8, PEM), sealed; null until generated
 */
public record AcmeConfig(String directoryUrl, String email, List<String> domains, String directoryCaPem,
                         String certificateName, String eabKeyId, String sealedEabHmacKey, String accountLocation,
                         String sealedAccountKey) {

    public AcmeConfig {
        domains = domains == null ? List.of() : List.copyOf(domains);
    }

    /** With the account registered: its URL and sealed key; the binding's HMAC key is no longer kept. */
    public AcmeConfig withAccount(String location, String sealedKey) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, null, location,
                sealedKey);
    }

    /** Whether {@code other} asks for the same certificate from the same CA (the account aside). */
    public boolean sameOrder(AcmeConfig other) {
        return other != null && directoryUrl.equals(other.directoryUrl) && domains.equals(other.domains)
                && java.util.Objects.equals(certificateName, other.certificateName);
    }

    /** Leaves the sealed values and the PEM out. */
    @Override
    public String toString() {
        return "AcmeConfig[directoryUrl=" + directoryUrl + ", domains=" + domains + ", certificateName=" + certificateName
                + ", account=" + accountLocation + "]";
    }
}
