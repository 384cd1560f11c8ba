package io.portcullis.tls;

/**
 * Certificate or key material that cannot be used. The message is written for the person who
 * supplied the material: it says what is wrong and, where possible, what to do about it. It never
 * contains key material.
 */
public class CertificateMaterialException extends RuntimeException {
    public CertificateMaterialException(String message) {
        super(message);
    }

    public CertificateMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
