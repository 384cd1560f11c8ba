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
 * Seals backend secrets for storage (AES-256-GCM) and opens them again when a backend asks.
 * The gateway must hold real backend passwords (QuestDB only accepts cleartext), so they are kept
 * encrypted at rest under a key that lives outside the config file (see {@link SecretKeys}).
 *
 * <p>Format: {@code v2:<base64(nonce | ciphertext | tag)>} with a random 96-bit nonce per seal and the
 * secret's {@link SecretBinding} (purpose, database, host, port, user) as associated data: a sealed
 * value opens only for what it was sealed for. Random nonces are safe far beyond the number of secrets
 * a gateway stores.
 *
 * <p>The earlier format {@code v1:} had a constant as associated data, so its values could be moved
 * between databases. It is no longer opened for use: {@link SealedSecretsCheck} converts a store's v1
 * values once, at startup, with {@link #openUnbound}.
 *
 * <p>Immutable and thread-safe: one {@link Cipher} per call, the {@link SecureRandom} is an instance
 * field (never static: native images must not freeze a seeded generator).
 */
public final class SecretBox {

    /** AES-256 only: the key file and the environment both carry exactly this many bytes. */
    public static final int KEY_BYTES = 32;
    /** Prefix of values bound to a {@link SecretBinding}. */
    public static final String PREFIX = "v2:";
    /** Prefix of the unbound values of earlier versions, opened only to convert them. */
    public static final String UNBOUND_PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String DERIVATION = "HmacSHA256";
    /** What v1 values were sealed with: only their prefix. */
    private static final byte[] UNBOUND_ASSOCIATED_DATA = UNBOUND_PREFIX.getBytes(StandardCharsets.US_ASCII);

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

    /** Encrypts {@code clear} for {@code binding}; two seals of the same text differ. */
    public String seal(String clear, SecretBinding binding) {
        if (clear == null) {
            throw new IllegalArgumentException("nothing to seal");
        }
        java.util.Objects.requireNonNull(binding, "binding");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plain = clear.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, binding.associatedData());
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
     * Decrypts a value made by {@link #seal} for the same {@code binding}.
     *
     * @throws ConfigException when the value is not a sealed secret, is in the unbound v1 format, was sealed
     *                         for another binding or under another key, or was altered; the message says
     *                         whose secret failed and why, and never contains the value
     */
    public String open(String sealed, SecretBinding binding) {
        java.util.Objects.requireNonNull(binding, "binding");
        if (sealed != null && sealed.startsWith(UNBOUND_PREFIX)) {
            throw new ConfigException(binding.describe() + " is still in the unbound format " + UNBOUND_PREFIX
                    + " (not converted at startup: see the log); set it again");
        }
        try {
            return decrypt(sealed, PREFIX, binding.associatedData());
        } catch (AEADBadTagException e) {
            throw new ConfigException(binding.describe() + " does not open: it was sealed for another database, "
                    + "backend address or user (copied or edited in the stored configuration), under another key "
                    + "(was " + SettingNames.SECRET_KEY + " or secret.key changed?), or altered; set it again");
        } catch (ConfigException e) {
            throw new ConfigException(binding.describe() + ": " + e.getMessage());
        }
    }

    /**
     * Decrypts a value of the unbound format {@code v1:}, for converting it to a bound one.
     *
     * @throws ConfigException as {@link #open}
     */
    String openUnbound(String sealed) {
        try {
            return decrypt(sealed, UNBOUND_PREFIX, UNBOUND_ASSOCIATED_DATA);
        } catch (AEADBadTagException e) {
            throw new ConfigException("a sealed secret does not open with this key: it was sealed under "
                    + "another key (was " + SettingNames.SECRET_KEY + " or secret.key changed?) or altered");
        }
    }

    private String decrypt(String sealed, String prefix, byte[] associatedData) throws AEADBadTagException {
        if (sealed == null || !sealed.startsWith(prefix)) {
            throw new ConfigException("not a sealed secret (expected the prefix " + prefix + ")");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("a sealed secret is not valid base64");
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new ConfigException("a sealed secret is too short to be genuine");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(raw, 0, NONCE_BYTES), associatedData);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            try {
                return new String(plain, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw e;
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

    private Cipher cipher(int mode, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        return cipher;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "SecretBox[AES-256-GCM]";
    }
}
