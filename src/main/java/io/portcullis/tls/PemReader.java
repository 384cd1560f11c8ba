package io.portcullis.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificates and private keys from PEM text with BouncyCastle's {@link PEMParser}, turning
 * every failure into a {@link CertificateMaterialException} a person can act on. Keys are converted
 * with the JDK's providers (no global BouncyCastle provider).
 */
final class PemReader {

    /** Far above any real chain or key (a 4096-bit RSA chain of five is under 15 KiB). */
    static final int MAX_PEM_CHARS = 256 * 1024;

    /** Far above any real chain; stops a pasted CA bundle from being taken as a server chain. */
    static final int MAX_CHAIN_LENGTH = 10;

    static final String ENCRYPTED_KEY_MESSAGE =
            "the private key is encrypted; supply it decrypted or with a passphrase";

    private PemReader() {
    }

    /** The certificates of a chain PEM, in file order; anything but certificates is refused. */
    static List<X509Certificate> certificates(String pem) {
        List<Object> objects = readAll(pem, "certificate chain");
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        for (Object object : objects) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new CertificateMaterialException("the certificate chain holds " + describe(object)
                        + "; it must hold only CERTIFICATE blocks, the server certificate first");
            }
            try {
                chain.add(converter.getCertificate(holder));
            } catch (CertificateException e) {
                throw new CertificateMaterialException(
                        "certificate #" + (chain.size() + 1) + " in the chain cannot be read: " + e.getMessage(), e);
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateMaterialException(
                    "no certificate found: expected a '-----BEGIN CERTIFICATE-----' block");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            throw new CertificateMaterialException("the chain holds " + chain.size()
                    + " certificates; at most " + MAX_CHAIN_LENGTH + " are accepted (server certificate and its intermediates)");
        }
        return chain;
    }

    /** More than any real CA bundle (the Mozilla roots are ~150). */
    static final int MAX_BUNDLE_LENGTH = 1000;

    /**
     * The certificates of a CA bundle, in file order: any number of {@code CERTIFICATE} blocks (up to
     * {@value #MAX_BUNDLE_LENGTH}) and nothing else.
     *
     * @param what names the bundle in messages, e.g. {@code "serverCa"}
     */
    static List<X509Certificate> bundle(String pem, String what) {
        List<Object> objects = readAll(pem, what);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : objects) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new CertificateMaterialException(what + " holds " + describe(object)
                        + "; it must hold only CERTIFICATE blocks (the CA certificates to trust)");
            }
            try {
                certificates.add(converter.getCertificate(holder));
            } catch (CertificateException e) {
                throw new CertificateMaterialException("certificate #" + (certificates.size() + 1) + " of " + what
                        + " cannot be read: " + e.getMessage(), e);
            }
            if (certificates.size() > MAX_BUNDLE_LENGTH) {
                throw new CertificateMaterialException(what + " holds more than " + MAX_BUNDLE_LENGTH + " certificates");
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateMaterialException(what + " holds no certificate: expected '-----BEGIN CERTIFICATE-----' blocks");
        }
        return certificates;
    }

    /**
     * The one private key of a key PEM. PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE
     * KEY}) and SEC1 ({@code EC PRIVATE KEY}) are accepted; encrypted PKCS#8 and legacy OpenSSL
     * encrypted keys only with a passphrase. {@code EC PARAMETERS} and certificate blocks are skipped,
     * so a combined file works. A passphrase given for a key that is not encrypted is refused: it would
     * otherwise be accepted and do nothing, and its sender may believe the key is protected.
     */
    static PrivateKey privateKey(String pem, char[] passphrase) {
        List<PrivateKeyInfo> keys = new ArrayList<>();
        boolean wasEncrypted = false;
        for (Object object : readAll(pem, "private key")) {
            wasEncrypted |= object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair;
            if (object instanceof PrivateKeyInfo info) {
                keys.add(info);
            } else if (object instanceof PEMKeyPair pair) {
                keys.add(pair.getPrivateKeyInfo());
            } else if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                keys.add(decrypt(encrypted, passphrase));
            } else if (object instanceof PEMEncryptedKeyPair encrypted) {
                keys.add(decrypt(encrypted, passphrase));
            } else if (!(object instanceof ASN1ObjectIdentifier || object instanceof X9ECParameters
                    || object instanceof X509CertificateHolder)) {
                throw new CertificateMaterialException("the private key PEM holds " + describe(object)
                        + "; expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
            }
        }
        if (keys.isEmpty()) {
            throw new CertificateMaterialException("no private key found: expected a '-----BEGIN PRIVATE KEY-----'"
                    + " block (PKCS#8), or 'RSA PRIVATE KEY' (PKCS#1) or 'EC PRIVATE KEY' (SEC1)");
        }
        if (keys.size() > 1) {
            throw new CertificateMaterialException("the private key PEM holds " + keys.size()
                    + " private keys; supply only the key of the server certificate");
        }
        if (!wasEncrypted && passphrase != null && passphrase.length > 0) {
            throw new CertificateMaterialException("a passphrase was given, but the private key is not encrypted; "
                    + "leave the passphrase out");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(keys.get(0));
        } catch (IOException | RuntimeException e) {
            throw new CertificateMaterialException("the private key cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts with a private BouncyCastle provider instance: the JDK lacks the cipher names BC asks
     * for (AES/CBC/PKCS7Padding), and registering BC globally is not ours to do. Encrypted keys are
     * rare, so the cost of an instance per call does not matter.
     */
    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase) {
        requirePassphrase(passphrase);
        KeyEncryptionLimits.check(encrypted.getEncryptionAlgorithm());
        try {
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(new BouncyCastleProvider()).build(passphrase));
        } catch (OperatorCreationException e) {
            throw unsupportedEncryption(e);
        } catch (PKCSException | RuntimeException e) {
            throw wrongPassphrase(e);
        }
    }

    private static PrivateKeyInfo decrypt(PEMEncryptedKeyPair encrypted, char[] passphrase) {
        requirePassphrase(passphrase);
        try {
            return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                            .setProvider(new BouncyCastleProvider()).build(passphrase))
                    .getPrivateKeyInfo();
        } catch (IOException | RuntimeException e) {
            throw wrongPassphrase(e);
        }
    }

    private static CertificateMaterialException unsupportedEncryption(Exception cause) {
        return new CertificateMaterialException("the private key is encrypted with an algorithm that is not supported ("
                + cause.getMessage() + "); supply it decrypted or as PKCS#8 encrypted with AES", cause);
    }

    private static void requirePassphrase(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new CertificateMaterialException(ENCRYPTED_KEY_MESSAGE);
        }
    }

    private static CertificateMaterialException wrongPassphrase(Exception cause) {
        // The cause's message is about padding or ASN.1; it never contains the passphrase.
        return new CertificateMaterialException(
                "the private key cannot be decrypted with the passphrase given; check the passphrase", cause);
    }

    private static List<Object> readAll(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new CertificateMaterialException("the " + what + " is empty");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw new CertificateMaterialException("the " + what + " is " + pem.length()
                    + " characters; at most " + MAX_PEM_CHARS + " are accepted");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateMaterialException("the " + what + " is not valid PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    private static String describe(Object object) {
        String type = object.getClass().getSimpleName();
        return switch (type) {
            case "PrivateKeyInfo", "PEMKeyPair", "PKCS8EncryptedPrivateKeyInfo", "PEMEncryptedKeyPair" -> "a private key";
            case "SubjectPublicKeyInfo" -> "a public key";
            case "PKCS10CertificationRequest" -> "a certificate signing request";
            case "X509CRLHolder" -> "a certificate revocation list";
            case "X509CertificateHolder" -> "a certificate";
            default -> "an unexpected " + type + " block";
        };
    }
}
