package io.portcullis.api;

import io.portcullis.config.ApiToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Management API tokens: made of 256 random bits, stored only as their SHA-256 (a slow hash adds
 * nothing against 256-bit secrets), matched in constant time.
 */
final class ApiTokens {

    /** Random bytes in a generated token. */
    static final int TOKEN_BYTES = 32;
    /** Longer presented tokens are refused before hashing; generated ones have 43 characters. */
    static final int MAX_TOKEN_LENGTH = 512;

    private ApiTokens() {
    }

    /** A new token: 32 random bytes, base64url without padding. */
    static String generate(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256Hex(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * The stored token whose hash equals that of {@code presented}. Compares against every stored
     * hash without stopping early, with {@link MessageDigest#isEqual} (constant time for equal lengths).
     */
    static Optional<ApiToken> match(List<ApiToken> stored, String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        String hash = sha256Hex(presented);
        ApiToken found = null;
        for (ApiToken token : stored) {
            if (sameHash(hash, token.sha256Hex()) && found == null) {
                found = token;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether two token hashes are equal, compared in constant time ({@link MessageDigest#isEqual}). */
    static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
