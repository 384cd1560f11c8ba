package io.portcullis.acme;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The HTTP-01 tokens of the order in progress and their key authorizations: what
 * {@code /.well-known/acme-challenge/{token}} may answer, and nothing else. A token is added just before its
 * challenge is triggered and removed when the challenge is decided.
 */
@ApplicationScoped
public class ChallengeTokens {

    /**
     * RFC 8555 §8.1: a token is base64url without padding; 128 characters is far above the 43 CAs send and bounds what
     * a request may make the gateway look up.
     */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();

    void add(String token, String keyAuthorization) {
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("the CA sent a token that is not base64url");
        }
        keyAuthorizations.put(token, keyAuthorization);
    }

    void remove(String token) {
        keyAuthorizations.remove(token);
    }

    /** The key authorization for {@code token}, empty when it is no token of an order in progress (or malformed). */
    Optional<String> keyAuthorization(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(keyAuthorizations.get(token));
    }

    /** How many challenges are waiting for the CA. */
    int pending() {
        return keyAuthorizations.size();
    }
}
