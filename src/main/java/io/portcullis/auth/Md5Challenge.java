package io.portcullis.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * PostgreSQL's md5 password challenge (AuthenticationMD5Password, code 5), both ways. The client
 * answers {@code "md5" + hex(md5(hex(md5(password + user)) + salt))}; the server, which stores
 * {@code "md5" + hex(md5(password + user))}, can check that without the password.
 *
 * <p>md5 is kept for old clients and md5-only backends; SCRAM-SHA-256 is the default.
 */
public final class Md5Challenge {

    /** The salt in AuthenticationMD5Password is always 4 bytes. */
    public static final int SALT_BYTES = 4;
    private static final String PREFIX = "md5";
    /** "md5" followed by 32 lowercase hex digits. */
    private static final int HASH_LENGTH = PREFIX.length() + 32;

    private Md5Challenge() {
    }

    /** A fresh salt for one AuthenticationMD5Password request. */
    public static byte[] newSalt(SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return salt;
    }

    /**
     * Checks a client's PasswordMessage against the stored md5 hash, in constant time.
     *
     * @param storedMd5 {@code "md5"} + 32 hex digits, as {@link PasswordVerifiers#md5} makes it; anything
     *        else (for example a SCRAM verifier) never matches
     */
    public static boolean verify(String storedMd5, byte[] salt, String clientResponse) {
        Objects.requireNonNull(clientResponse, "clientResponse");
        requireSalt(salt);
        if (!isMd5Hash(storedMd5)) {
            return false;
        }
        String expected = saltedResponse(storedMd5.substring(PREFIX.length()), salt);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                clientResponse.getBytes(StandardCharsets.UTF_8));
    }

    /** What a client sends when a backend asks for md5: used to log in to md5 backends. */
    public static String respond(String user, String password, byte[] salt) {
        requireSalt(salt);
        return saltedResponse(PasswordVerifiers.md5(user, password).substring(PREFIX.length()), salt);
    }

    /**
     * What a client sends when a backend asks for md5, from the stored hash alone (md5 passthrough: the hash stands
     * in for the password, which is md5's known weakness and the reason SCRAM is preferred).
     */
    public static String respondWithHash(String storedMd5, byte[] salt) {
        requireSalt(salt);
        if (!isMd5Hash(storedMd5)) {
            throw new IllegalArgumentException("not an md5 hash");
        }
        return saltedResponse(storedMd5.substring(PREFIX.length()), salt);
    }

    /** Whether {@code text} has the shape of a stored md5 hash. */
    public static boolean isMd5Hash(String text) {
        if (text == null || text.length() != HASH_LENGTH || !text.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < HASH_LENGTH; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String saltedResponse(String innerHex, byte[] salt) {
        byte[] hexBytes = innerHex.getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[hexBytes.length + salt.length];
        System.arraycopy(hexBytes, 0, input, 0, hexBytes.length);
        System.arraycopy(salt, 0, input, hexBytes.length, salt.length);
        return PREFIX + PasswordVerifiers.md5Hex(input);
    }

    private static void requireSalt(byte[] salt) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("md5 salt must be " + SALT_BYTES + " bytes");
        }
    }
}
