package io.portcullis.auth;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A parsed SCRAM-SHA-256 verifier in PostgreSQL's format,
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64), as found in
 * {@code pg_authid.rolpassword} and produced by {@link PasswordVerifiers#scramSha256(String)}.
 *
 * <p>{@link #toString()} is redacted: StoredKey and ServerKey are enough to impersonate the server
 * (and, with a captured exchange, the client), so they never reach a log by accident.
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    static final String PREFIX = "SCRAM-SHA-256$";
    /** SHA-256 output size: StoredKey and ServerKey have exactly this length. */
    static final int KEY_BYTES = 32;

    public ScramVerifier {
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iteration count must be positive");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("SCRAM salt must not be empty");
        }
        if (storedKey.length != KEY_BYTES || serverKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("SCRAM-SHA-256 keys must be " + KEY_BYTES + " bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** Whether {@code text} has the shape of a SCRAM-SHA-256 verifier (an md5 hash does not). */
    public static boolean isScramSha256(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /**
     * Parses PostgreSQL's verifier format.
     *
     * @throws IllegalArgumentException if the text is not a well-formed SCRAM-SHA-256 verifier; the
     *         message never quotes the text
     */
    public static ScramVerifier parse(String text) {
        Objects.requireNonNull(text, "verifier");
        if (!isScramSha256(text)) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier (expected prefix " + PREFIX + ")");
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String[] iterationsAndSalt = parts[0].split(":", -1);
        String[] keys = parts[1].split(":", -1);
        if (iterationsAndSalt.length != 2 || keys.length != 2) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(iterationsAndSalt[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: iteration count is not a number");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new ScramVerifier(iterations, b64.decode(iterationsAndSalt[1]), b64.decode(keys[0]), b64.decode(keys[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: " + e.getMessage());
        }
    }

    /** The verifier in PostgreSQL's text format; {@code parse(v.encode())} equals {@code v}. */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** Key material compared in constant time, like every secret in this package. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ScramVerifier v && iterations == v.iterations && MessageDigest.isEqual(salt, v.salt)
                && MessageDigest.isEqual(storedKey, v.storedKey) && MessageDigest.isEqual(serverKey, v.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * iterations + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "ScramVerifier[iterations=" + iterations + ", salt=" + Base64.getEncoder().encodeToString(salt) + ", keys=<redacted>]";
    }
}
