package io.portcullis.config;

/**
 * A management API token, kept only as a hash.
 *
 * @param name       who holds it (shown in audit logs)
 * @param role       {@code admin} or {@code viewer}
 * @param sha256Hex  SHA-256 of the token, hex; tokens are 256-bit random, so a fast hash suffices
 */
public record ApiToken(String name, String role, String sha256Hex) {
    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";
}
