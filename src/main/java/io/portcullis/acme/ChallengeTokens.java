package io.portcullis.acme;

import io.portcullis.config.AcmeConfig;
import io.portcullis.config.ConfigStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The HTTP-01 tokens of the order in progress and their key authorizations: what
 * {@code /.well-known/acme-challenge/{token}} may answer, and nothing else. A token is added just before its
 * challenge is triggered and removed when the challenge is decided. The replica running the order keeps its tokens
 * here and publishes them in the configuration store ({@link AcmeConfig#challenges}), so another replica sharing the
 * store answers them too; what comes from the store is served only when it has the form of a key authorization
 * ({@code token.thumbprint}), so nothing written there can make the endpoint serve other content.
 */
@ApplicationScoped
public class ChallengeTokens {

    /**
     * RFC 8555 §8.1: a token is base64url without padding; 128 characters is far above the 43 CAs send and bounds what
     * a request may make the gateway look up.
     */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** RFC 8555 §8.1: the token, a dot, the base64url SHA-256 thumbprint of the account key (43 characters). */
    static final Pattern KEY_AUTHORIZATION = Pattern.compile("([A-Za-z0-9_-]{1,128})\\.[A-Za-z0-9_-]{43}");

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();

    @Inject
    ConfigStore store;

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
        String local = keyAuthorizations.get(token);
        if (local != null || store == null) {
            return Optional.ofNullable(local);
        }
        AcmeConfig acme = store.current().tls().acme();
        String published = acme == null ? null : acme.challenges().get(token);
        if (published == null) {
            return Optional.empty();
        }
        var form = KEY_AUTHORIZATION.matcher(published);
        return form.matches() && form.group(1).equals(token) ? Optional.of(published) : Optional.empty();
    }

    /** How many challenges are waiting for the CA. */
    int pending() {
        return keyAuthorizations.size();
    }
}
