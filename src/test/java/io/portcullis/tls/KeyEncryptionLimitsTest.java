package io.portcullis.tls;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Encrypted keys whose key derivation would cost hours or terabytes are refused before any work;
 * the keys real tools write still decrypt. Uses the fuzz target's regression inputs (OpenSSL-made
 * keys, and the same keys with their parameters raised).
 */
class KeyEncryptionLimitsTest {

    private static final char[] PASSPHRASE = PemReaderFuzzTest.PASSPHRASE.toCharArray();
    private static final java.time.Duration QUICK = java.time.Duration.ofSeconds(20);

    /** A regression input of {@link PemReaderFuzzTest}: its selector byte dropped, the rest is PEM text. */
    private static String seed(String name) throws IOException {
        try (InputStream in = PemReaderFuzzTest.class.getResourceAsStream("PemReaderFuzzTestInputs/certificateImport/" + name)) {
            assertNotNull(in, name);
            byte[] bytes = in.readAllBytes();
            return new String(Arrays.copyOfRange(bytes, 1, bytes.length), StandardCharsets.UTF_8);
        }
    }

    private static void assertRefused(String seed, String mentions) throws IOException {
        String pem = seed(seed);
        CertificateMaterialException refused = assertTimeoutPreemptively(QUICK, () ->
                assertThrows(CertificateMaterialException.class, () -> PemReader.privateKey(pem, PASSPHRASE)));
        assertTrue(refused.getMessage().contains(mentions), refused.getMessage());
    }

    @Test
    void pbkdf2WithTwoToTheThirtyOneIterationsIsRefusedAtOnce() throws IOException {
        assertRefused("key-pbkdf2-2-pow-31-iterations", String.valueOf(KeyEncryptionLimits.MAX_ITERATIONS));
    }

    @Test
    void pkcs12PbeWithTwoToTheThirtyOneIterationsIsRefusedAtOnce() throws IOException {
        assertRefused("key-pkcs12-pbe-2-pow-31-iterations", String.valueOf(KeyEncryptionLimits.MAX_ITERATIONS));
    }

    @Test
    void scryptIsRefusedAsUnsupportedWhateverItsParameters() throws IOException {
        assertRefused("key-scrypt-2-pow-30", "scrypt, which is not supported");
        assertRefused("key-encrypted-scrypt", "scrypt, which is not supported");
    }

    @Test
    void keysAsOpenSslEncryptsThemStillDecrypt() throws IOException {
        for (String seed : new String[]{"key-encrypted-pbkdf2", "key-encrypted-legacy-pem"}) {
            String pem = seed(seed);
            assertNotNull(assertTimeoutPreemptively(QUICK, () -> PemReader.privateKey(pem, PASSPHRASE)), seed);
        }
    }
}
