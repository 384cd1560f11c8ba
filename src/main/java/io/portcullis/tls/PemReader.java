package io.portcullis.tls;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.bc.BcPEMDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEInputDecryptorProviderBuilder;

/**
 * Reads certificates and private keys from PEM text with BouncyCastle's {@link PEMParser}, turning
 * every failure into a {@link CertificateMaterialException} a person can act on. Keys are converted
 * and decrypted with the JDK's providers and BouncyCastle's lightweight API: no BouncyCastle JCA
 * provider, registered or not.
 */
final class PemReader {

    /** Far above any real chain or key (a 4096-bit RSA chain of five is under 15 KiB). */
    static final int MAX_PEM_CHARS = 256 * 1024;

    /** Far above any real chain; stops a pasted CA bundle from being taken as a server chain. */
    static final int MAX_CHAIN_LENGTH = 10;

    static final String ENCRYPTED_KEY_MESSAGE =
            "the private key is encrypted; supply it decrypted or with a passphrase";

    /**
     * PKCS#12 password-based schemes BouncyCastle's lightweight decryptor implements (the CBC ones);
     * the RC4 ones go to the JDK.
     */
    private static final Set<ASN1ObjectIdentifier> LIGHTWEIGHT_PKCS12_SCHEMES = Set.of(
            PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, PKCSObjectIdentifiers.pbeWithSHAAnd2_KeyTripleDES_CBC,
            PKCSObjectIdentifiers.pbeWithSHAAnd128BitRC2_CBC, PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC);

    private static final String PBES2 = "PBES2";

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
     * Decrypts an {@code ENCRYPTED PRIVATE KEY} without a BouncyCastle JCA provider (none is registered,
     * see application.properties): PKCS#12 PBE schemes with BouncyCastle's lightweight decryptor, PBES2
     * (PBKDF2 with AES, what OpenSSL writes) and the other PKCS#5 and PKCS#12 schemes with the JDK's
     * {@link EncryptedPrivateKeyInfo}, {@link SecretKeyFactory} and {@link Cipher} for the scheme's
     * name. The key derivation's cost is bounded first, from BouncyCastle's reading of the parameters.
     */
    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase) {
        requirePassphrase(passphrase);
        AlgorithmIdentifier scheme = encrypted.getEncryptionAlgorithm();
        KeyEncryptionLimits.check(scheme);
        if (LIGHTWEIGHT_PKCS12_SCHEMES.contains(scheme.getAlgorithm())) {
            try {
                return encrypted.decryptPrivateKeyInfo(new BcPKCS12PBEInputDecryptorProviderBuilder().build(passphrase));
            } catch (PKCSException | RuntimeException e) {
                throw wrongPassphrase(e);
            }
        }
        return decryptWithJdk(encrypted, passphrase);
    }

    private static PrivateKeyInfo decryptWithJdk(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase) {
        EncryptedPrivateKeyInfo info;
        Cipher cipher;
        try {
            // DER as BouncyCastle parsed it, so the JDK reads the parameters the limits were checked on.
            info = new EncryptedPrivateKeyInfo(encrypted.toASN1Structure().getEncoded(ASN1Encoding.DER));
            AlgorithmParameters parameters = info.getAlgParameters();
            if (parameters == null) {
                throw new NoSuchAlgorithmException(info.getAlgName() + " is not implemented by the JDK");
            }
            // For PBES2, JDK 17 names only "PBES2"; its parameters name the full scheme
            // (PBEWithHmacSHA256AndAES_256), which is what SecretKeyFactory and Cipher know.
            String algorithm = PBES2.equalsIgnoreCase(info.getAlgName())
                    || PKCSObjectIdentifiers.id_PBES2.getId().equals(info.getAlgName())
                    ? parameters.toString() : info.getAlgName();
            // Bounded again as the JDK reads it, in case its reading and BouncyCastle's differ.
            KeyEncryptionLimits.requireIterations(BigInteger.valueOf(
                    parameters.getParameterSpec(PBEParameterSpec.class).getIterationCount()));
            SecretKey key = secretKey(algorithm, passphrase);
            cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, key, parameters);
        } catch (CertificateMaterialException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The JDK cannot read or does not implement the scheme (e.g. PBES2 with 3DES or AES-192).
            throw unsupportedEncryption(e);
        }
        byte[] plain = null;
        try {
            plain = cipher.doFinal(info.getEncryptedData());
            return PrivateKeyInfo.getInstance(plain);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Bad padding, or bytes that are not a key: a wrong passphrase (or corrupted data).
            throw wrongPassphrase(e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** The JDK's PBE keys hold printable ASCII only; say so rather than blame the passphrase or the scheme. */
    private static SecretKey secretKey(String algorithm, char[] passphrase) throws GeneralSecurityException {
        SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
        for (char c : passphrase) {
            if (c < 0x20 || c > 0x7E) {
                throw new CertificateMaterialException("the passphrase holds characters other than printable ASCII,"
                        + " which are not supported for a key encrypted with " + algorithm
                        + "; re-encrypt the key with an ASCII passphrase or supply it decrypted");
            }
        }
        PBEKeySpec spec = new PBEKeySpec(passphrase);
        try {
            return factory.generateSecret(spec);
        } finally {
            spec.clearPassword();
        }
    }

    /** Legacy OpenSSL encryption ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info}): BouncyCastle's lightweight decryptor. */
    private static PrivateKeyInfo decrypt(PEMEncryptedKeyPair encrypted, char[] passphrase) {
        requirePassphrase(passphrase);
        char[] utf8Bytes = utf8AsChars(passphrase);
        try {
            return encrypted.decryptKeyPair(new BcPEMDecryptorProvider(utf8Bytes)).getPrivateKeyInfo();
        } catch (IOException | RuntimeException e) {
            throw wrongPassphrase(e);
        } finally {
            Arrays.fill(utf8Bytes, '\0');
        }
    }

    /**
     * The passphrase's UTF-8 bytes, one per char: the lightweight decryptor keeps the low 8 bits of each
     * char, and OpenSSL derived the key from the bytes the user typed, UTF-8 on any current system.
     * Unchanged for ASCII.
     */
    private static char[] utf8AsChars(char[] passphrase) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        char[] chars = new char[bytes.remaining()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (bytes.get(i) & 0xFF);
        }
        Arrays.fill(bytes.array(), (byte) 0);
        return chars;
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
