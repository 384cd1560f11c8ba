package io.portcullis.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The certificates a backend's TLS certificate must chain to: a database's {@code serverCa}, or the
 * process-wide default ({@code portcullis.server-tls.ca-file}). Each certificate is a trust anchor, as
 * in libpq's {@code sslrootcert}: a CA, or the backend's own self-signed certificate. Public material only.
 *
 * @param pem          the certificates as PEM, re-encoded from what was parsed
 * @param certificates the parsed certificates
 */
public record BackendCa(String pem, List<X509Certificate> certificates) {

    public BackendCa {
        Objects.requireNonNull(pem, "pem");
        certificates = List.copyOf(certificates);
    }

    /**
     * Parses a bundle of one or more {@code CERTIFICATE} blocks.
     *
     * @param what names the bundle in messages, e.g. {@code "serverCa"}
     * @throws CertificateMaterialException saying what is wrong (not PEM, no certificate, a key or CSR instead)
     */
    public static BackendCa parse(String pem, String what) {
        List<X509Certificate> certificates = PemReader.bundle(pem, what);
        return new BackendCa(TlsMaterial.pem(certificates.toArray()), certificates);
    }

    @Override
    public String toString() {
        return "BackendCa" + certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }
}
