package io.portcullis.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The certificate authorities client certificates must chain to ({@code verify-ca},
 * {@code verify-full}, {@code "auth":"cert"} users). Public material only.
 *
 * @param pem          the CA certificates as given, for storing
 * @param certificates the parsed certificates, each a trust anchor
 */
public record ClientCa(String pem, List<X509Certificate> certificates) {

    public ClientCa {
        Objects.requireNonNull(pem, "pem");
        certificates = List.copyOf(certificates);
    }

    /**
     * Parses a CA bundle: one or more {@code CERTIFICATE} blocks, each of them a CA certificate.
     *
     * @throws CertificateMaterialException naming the certificate at fault
     */
    public static ClientCa parse(String pem) {
        List<X509Certificate> certificates = PemReader.certificates(pem);
        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate certificate = certificates.get(i);
            if (certificate.getBasicConstraints() < 0) {
                throw new CertificateMaterialException("certificate #" + (i + 1) + " ("
                        + certificate.getSubjectX500Principal().getName()
                        + ") is not a CA certificate (no basicConstraints CA:TRUE); supply the CA that issues the client certificates");
            }
        }
        return new ClientCa(pem, certificates);
    }

    /** What the API shows of each CA certificate. */
    public List<CertificateInfo> info() {
        return certificates.stream().map(CertificateInfo::of).toList();
    }

    @Override
    public String toString() {
        return "ClientCa" + certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }
}
