package io.portcullis.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * What a person needs to recognise a certificate: the shape {@code GET /api/v1/tls} shows and the
 * startup log prints. Holds no key material.
 *
 * @param subject the subject distinguished name, RFC 2253 form ({@code CN=db.example.com,O=Example})
 * @param issuer the issuer distinguished name, RFC 2253 form
 * @param subjectAltNames DNS names and IP addresses, in certificate order; other name types are
 *     shown as {@code type:value}
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param sha256Fingerprint SHA-256 of the DER encoding, upper-case hex pairs joined by colons, the
 *     form {@code openssl x509 -noout -fingerprint -sha256} prints after {@code =}
 * @param selfSigned whether the subject equals the issuer and the certificate verifies with its own
 *     public key
 */
public record CertificateInfo(
        String subject,
        String issuer,
        List<String> subjectAltNames,
        Instant notBefore,
        Instant notAfter,
        String sha256Fingerprint,
        boolean selfSigned) {

    /** GeneralName tags from RFC 5280 §4.2.1.6, as {@link X509Certificate#getSubjectAlternativeNames()} reports them. */
    private static final int SAN_DNS_NAME = 2;
    private static final int SAN_IP_ADDRESS = 7;

    public CertificateInfo {
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** Describes one certificate. */
    public static CertificateInfo of(X509Certificate certificate) {
        return new CertificateInfo(
                certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(),
                subjectAltNames(certificate),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                sha256Fingerprint(certificate),
                isSelfSigned(certificate));
    }

    /** The SHA-256 fingerprint of a certificate in the {@code AB:CD:...} form. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> subjectAltNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateMaterialException(
                    "the certificate's subjectAltName extension cannot be parsed: " + e.getMessage(), e);
        }
        if (names == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>(names.size());
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            Object value = name.get(1);
            if (type == SAN_DNS_NAME || type == SAN_IP_ADDRESS) {
                result.add(String.valueOf(value));
            } else {
                result.add(typeName(type) + ":" + (value instanceof String ? value : "<binary>"));
            }
        }
        return result;
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0 -> "otherName";
            case 1 -> "email";
            case 3 -> "x400Address";
            case 4 -> "dirName";
            case 5 -> "ediPartyName";
            case 6 -> "URI";
            case 8 -> "registeredID";
            default -> "type" + type;
        };
    }
}
