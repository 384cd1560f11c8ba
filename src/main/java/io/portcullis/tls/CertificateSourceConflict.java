package io.portcullis.tls;

/** A certificate change asked for through the API while the certificate comes from watched files. */
public class CertificateSourceConflict extends RuntimeException {
    public CertificateSourceConflict(String message) {
        super(message, null, false, false);
    }
}
