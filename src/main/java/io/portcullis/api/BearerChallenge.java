package io.portcullis.api;

/**
 * What a caller without an accepted token is told: {@code 401} with a {@code WWW-Authenticate: Bearer}
 * challenge (RFC 6750), {@code error="invalid_token"} when a bearer token was presented but is not one of
 * ours, and a problem detail saying what to send. The one place that knows these texts, for
 * {@link BearerTokenMechanism} (requests refused before routing) and {@link SecurityProblemMappers} (those
 * refused by a resource method's {@code @RolesAllowed}).
 */
final class BearerChallenge {

    static final int STATUS = 401;
    static final String HEADER = "WWW-Authenticate";
    private static final String SCHEME = "bearer ";
    private static final String CHALLENGE = "Bearer realm=\"portcullis\"";

    private BearerChallenge() {
    }

    /**
     * The token after {@code Bearer } (scheme case-insensitive), or null when the header is absent, empty
     * or of another scheme.
     */
    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() <= SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = value.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }

    /** The {@code WWW-Authenticate} value for a request with this {@code Authorization} header. */
    static String challenge(String authorization) {
        return presentedToken(authorization) == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"";
    }

    /** The problem detail for a request with this {@code Authorization} header. */
    static String detail(String authorization) {
        return presentedToken(authorization) == null
                ? "send an API token as 'Authorization: Bearer <token>'"
                : "the API token is not valid";
    }
}
