package io.portcullis.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Turns a clear-text password into what we store instead of it, in PostgreSQL's own formats so
 * that verifiers can move between PostgreSQL, PgBouncer and Portcullis unchanged.
 */
public final class PasswordVerifiers {

    /** PostgreSQL's default and RFC 7677's minimum; {@code portcullis.auth.scram-iterations} may raise it. */
    public static final int DEFAULT_SCRAM_ITERATIONS = 4096;
    /** The most we make verifiers with, the most we answer a backend asking for ({@link BackendLogin}). */
    public static final int MAX_SCRAM_ITERATIONS = BackendLogin.MAX_SCRAM_ITERATIONS;
    private static final int SALT_BYTES = 16;

    private PasswordVerifiers() {
    }

    /** {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, all base64. Slow by design: call off the event loop. */
    public static String scramSha256(String password, int iterations) {
        byte[] salt = ScramFunctions.salt(SALT_BYTES, new SecureRandom());
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256,
                StringPreparation.POSTGRESQL_PREPARATION, password.toCharArray(), salt, iterations);
        byte[] storedKey = ScramFunctions.storedKey(ScramMechanism.SCRAM_SHA_256,
                ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted));
        byte[] serverKey = ScramFunctions.serverKey(ScramMechanism.SCRAM_SHA_256, salted);
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    public static String scramSha256(String password) {
        return scramSha256(password, DEFAULT_SCRAM_ITERATIONS);
    }

    /**
     * @return {@code iterations}, when from {@link #DEFAULT_SCRAM_ITERATIONS} to {@link #MAX_SCRAM_ITERATIONS}
     * @throws IllegalArgumentException otherwise, naming the setting
     */
    public static int checkScramIterations(int iterations) {
        if (iterations < DEFAULT_SCRAM_ITERATIONS || iterations > MAX_SCRAM_ITERATIONS) {
            throw new IllegalArgumentException("portcullis.auth.scram-iterations must be from " + DEFAULT_SCRAM_ITERATIONS
                    + " (RFC 7677's minimum) to " + MAX_SCRAM_ITERATIONS + ", not " + iterations);
        }
        return iterations;
    }

    /** {@code md5} followed by the hex of md5(password || user), as PostgreSQL stores it. */
    public static String md5(String user, String password) {
        return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5", e);
        }
    }
}
