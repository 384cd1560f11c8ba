package io.portcullis.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The checks {@link TlsMaterial#parse} runs, each with a message that says what to fix. */
final class ChainChecks {

    private static final byte[] PROBE = "portcullis key/certificate match probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ChainChecks() {
    }

    /** Vert.x's PEM key loader takes RSA and EC keys only. */
    static void requireSupportedKey(PrivateKey key) {
        if (signatureAlgorithm(key.getAlgorithm()) == null) {
            throw new CertificateMaterialException("the private key is a " + key.getAlgorithm()
                    + " key; only RSA and EC keys are supported");
        }
    }

    /**
     * Proves the key belongs to the server certificate by signing a probe and verifying it with the
     * certificate's public key. If it belongs to another certificate of the chain instead, says so:
     * that is the usual mistake (chain pasted in the wrong order).
     */
    static void requireKeyMatchesLeaf(List<X509Certificate> chain, PrivateKey key) {
        if (matches(key, chain.get(0).getPublicKey())) {
            return;
        }
        for (int i = 1; i < chain.size(); i++) {
            if (matches(key, chain.get(i).getPublicKey())) {
                throw new CertificateMaterialException("the private key belongs to certificate #" + (i + 1)
                        + " in the chain (" + subject(chain.get(i)) + "), not the first one; list the server certificate first");
            }
        }
        throw new CertificateMaterialException("the private key does not match the certificate ("
                + subject(chain.get(0)) + "); supply the key the certificate was issued for");
    }

    /** Each certificate after the first must be the issuer of the one before it. */
    static void requireIssuerOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            if (!issuedBy(child, issuer)) {
                throw new CertificateMaterialException("certificate #" + (i + 2) + " (" + subject(issuer)
                        + ") did not issue certificate #" + (i + 1) + " (" + subject(child)
                        + "); list the server certificate first, then each issuer in order, and nothing else");
            }
        }
    }

    /** Every certificate must be valid at {@code now}; clients refuse an expired intermediate too. */
    static void requireValidAt(List<X509Certificate> chain, Instant now) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = i == 0 ? "the certificate (" + subject(certificate) + ")"
                    : "certificate #" + (i + 1) + " in the chain (" + subject(certificate) + ")";
            Instant notBefore = certificate.getNotBefore().toInstant();
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (now.isAfter(notAfter)) {
                throw new CertificateMaterialException(which + " expired on " + notAfter);
            }
            if (now.isBefore(notBefore)) {
                throw new CertificateMaterialException(which + " is not valid until " + notBefore
                        + "; check the clock of this machine or wait");
            }
        }
    }

    private static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null || !sameFamily(key.getAlgorithm(), publicKey.getAlgorithm())) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean sameFamily(String keyAlgorithm, String publicKeyAlgorithm) {
        String a = signatureAlgorithm(keyAlgorithm);
        return a != null && a.equals(signatureAlgorithm(publicKeyAlgorithm));
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm.toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
        };
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
