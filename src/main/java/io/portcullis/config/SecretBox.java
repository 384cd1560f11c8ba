package io.portcullis.config;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Seals backend passwords for storage (AES-256-GCM) and opens them again when a backend asks.
 * The gateway must hold real backend passwords (QuestDB only accepts cleartext), so they are kept
 * encrypted at rest under a key that lives outside the config file (see {@link SecretKeys}).
 *
 * <p>Format: {@code v1:<base64(nonce | ciphertext | tag)>} with a random 96-bit nonce per seal.
 * The version prefix is authenticated too (as associated data), so a future format cannot be
 * confused with this one. Random nonces are safe far beyond the number of secrets a gateway stores.
 *
 * <p>Immutable and thread-safe: one {@link Cipher} per call, the {@link SecureRandom} is an instance
 * field (never static: native images must not freeze a seeded generator).
 */
public final class SecretBox {

    /** AES-256 only: the key file and the environment both carry exactly this many bytes. */
    public static final int KEY_BYTES = 32;
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String DERIVATION = "HmacSHA256";
    private static final byte[] ASSOCIATED_DATA = PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final SecureRandom random;

    /**
     * @param key 32 bytes; copied, so the caller may wipe its array afterwards
     */
    public SecretBox(byte[] key, SecureRandom random) {
        if (key == null || key.length != KEY_BYTES) {
            throw new ConfigException("the secret key must be " + KEY_BYTES + " bytes, not "
                    + (key == null ? 0 : key.length));
        }
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    /** Encrypts {@code clear}; two seals of the same text differ. */
    public String seal(String clear) {
        if (clear == null) {
            throw new IllegalArgumentException("nothing to seal");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plain = clear.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Decrypts a value made by {@link #seal}.
     *
     * @throws ConfigException when the value is not a sealed secret, was sealed under another key,
     *                         or was altered; the message never contains the value
     */
    public String open(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new ConfigException("not a sealed secret (expected the prefix " + PREFIX + ")");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("a sealed secret is not valid base64");
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new ConfigException("a sealed secret is too short to be genuine");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(raw, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            try {
                return new String(plain, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw new ConfigException("a sealed secret does not open with this key: it was sealed under "
                    + "another key (was " + SettingNames.SECRET_KEY + " or secret.key changed?) or altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * A 32-byte key for another purpose, derived from this box's key as HMAC-SHA256(key, purpose). Lets
     * a feature have a secret that is stable across restarts and shared by replicas using the same key,
     * without a second secret to manage; different purposes give unrelated keys, and none reveals the
     * box's key.
     *
     * @param purpose a fixed label naming the use and its version, e.g. {@code "portcullis/scram-mock-salt/v1"}
     */
    public byte[] deriveKey(String purpose) {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("a derived key needs a purpose");
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance(DERIVATION);
            mac.init(new SecretKeySpec(key.getEncoded(), DERIVATION));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(DERIVATION + " is unavailable in this JVM", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(ASSOCIATED_DATA);
        return cipher;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "SecretBox[AES-256-GCM]";
    }
}
