package io.portcullis.tls;

import java.util.Objects;

/**
 * A certificate chain and its private key as PEM text, as generated or as stored on disk.
 *
 * @param certificateChainPem one or more {@code CERTIFICATE} blocks, the server certificate first
 * @param privateKeyPem the private key of the first certificate; a secret
 */
public record PemMaterial(String certificateChainPem, String privateKeyPem) {

    public PemMaterial {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    /** Parses and validates this material; see {@link TlsMaterial#parse(String, String)}. */
    public TlsMaterial parse() {
        return TlsMaterial.parse(certificateChainPem, privateKeyPem);
    }

    /** Leaves the private key out, so that logging this record cannot leak it. */
    @Override
    public String toString() {
        return "PemMaterial[certificateChainPem=" + certificateChainPem.length() + " chars, privateKeyPem=<redacted>]";
    }
}
