package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted private keys as OpenSSL writes them decrypt with no BouncyCastle JCA provider in the JVM
 * (the application registers none): PBES2 through the JDK, PKCS#12 PBE and legacy OpenSSL PEM
 * encryption through BouncyCastle's lightweight API. Fixtures and the commands that made them:
 * {@code src/test/resources/io/portcullis/tls/EncryptedKeyFormatsTest/README.md}.
 */
class EncryptedKeyFormatsTest {

    private static final char[] PASSPHRASE = "s3cret".toCharArray();
    private static final String WRONG_PASSPHRASE =
            "the private key cannot be decrypted with the passphrase given; check the passphrase";

    /** One EC P-256 key, encrypted in every form below. */
    private static final List<String> EC = List.of("ec-pbes2-aes256-sha256.pem", "ec-pbes2-aes256-sha1.pem",
            "ec-pbes2-aes128-sha512.pem", "ec-pkcs12-3des.pem", "ec-pkcs5-md5-des.pem", "ec-legacy-aes256.pem");
    /** One RSA 2048 key, encrypted in every form below. */
    private static final List<String> RSA = List.of("rsa-pbes2-aes256-sha256.pem", "rsa-pbes2-aes256-sha1.pem",
            "rsa-pkcs12-3des.pem", "rsa-legacy-des3.pem");

    @BeforeAll
    static void noBouncyCastleProvider() {
        assertNull(Security.getProvider("BC"), "a BouncyCastle provider is registered in this JVM");
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = EncryptedKeyFormatsTest.class.getResourceAsStream("EncryptedKeyFormatsTest/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void assertEveryFormDecryptsToTheSameKey(List<String> files, String algorithm) throws IOException {
        assertNull(Security.getProvider("BC"));
        BigInteger first = null;
        for (String file : files) {
            String pem = fixture(file);
            PrivateKey key = PemReader.privateKey(pem, PASSPHRASE.clone());
            assertEquals(algorithm, key.getAlgorithm(), file);
            if (first == null) {
                first = secret(key);
            } else {
                assertEquals(first, secret(key), file + " decrypts to another key than " + files.get(0));
            }
            CertificateMaterialException wrong = assertThrows(CertificateMaterialException.class,
                    () -> PemReader.privateKey(pem, "s3cret!".toCharArray()), file);
            assertEquals(WRONG_PASSPHRASE, wrong.getMessage(), file);
            CertificateMaterialException missing = assertThrows(CertificateMaterialException.class,
                    () -> PemReader.privateKey(pem, null), file);
            assertEquals(PemReader.ENCRYPTED_KEY_MESSAGE, missing.getMessage(), file);
        }
        assertNull(Security.getProvider("BC"), "decrypting registered a BouncyCastle provider");
    }

    /** What makes the key, whatever its encoding (SEC1 and PKCS#1 carry the public part too, PKCS#8 from OpenSSL may not). */
    private static BigInteger secret(PrivateKey key) {
        return key instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateKey) key).getPrivateExponent();
    }

    @Test
    void ecKeyInEveryFormOpenSslWrites() throws IOException {
        assertEveryFormDecryptsToTheSameKey(EC, "EC");
    }

    @Test
    void rsaKeyInEveryFormOpenSslWrites() throws IOException {
        assertEveryFormDecryptsToTheSameKey(RSA, "RSA");
    }

    @Test
    void pbes2WithTripleDesIsUnsupportedNotAWrongPassphrase() throws IOException {
        String pem = fixture("ec-pbes2-des3.pem");
        for (String passphrase : List.of("s3cret", "wrong")) {
            CertificateMaterialException refused = assertThrows(CertificateMaterialException.class,
                    () -> PemReader.privateKey(pem, passphrase.toCharArray()));
            assertTrue(refused.getMessage().startsWith(
                    "the private key is encrypted with an algorithm that is not supported"), refused.getMessage());
            assertTrue(!refused.getMessage().contains(passphrase), refused.getMessage());
        }
    }

    @Test
    void aUtf8PassphraseOpensALegacyPemKeyAndIsNamedForPbes2() throws IOException {
        char[] utf8 = "pässwört".toCharArray();
        PrivateKey legacy = PemReader.privateKey(fixture("ec-legacy-aes256-utf8.pem"), utf8.clone());
        assertEquals(secret(PemReader.privateKey(fixture("ec-legacy-aes256.pem"), PASSPHRASE.clone())), secret(legacy));
        // The JDK's PBE keys are printable ASCII only: say so instead of "wrong passphrase".
        CertificateMaterialException refused = assertThrows(CertificateMaterialException.class,
                () -> PemReader.privateKey(fixture("ec-pbes2-aes256-utf8.pem"), utf8.clone()));
        assertTrue(refused.getMessage().startsWith("the passphrase holds characters other than printable ASCII"),
                refused.getMessage());
        assertTrue(!refused.getMessage().contains("pässwört"), refused.getMessage());
    }
}
