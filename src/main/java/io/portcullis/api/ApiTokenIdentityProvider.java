package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.Set;

/**
 * Turns a presented API token into the caller: the stored token whose hash matches ({@link ApiTokens#match},
 * constant time), named by its token name (the audit log's "who") and holding its roles, {@code admin}
 * including {@code viewer}. A token that matches nothing, revoked ones included, fails authentication.
 *
 * <p>Runs on the event loop: it reads the current configuration snapshot and hashes a short string.
 */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final ConfigStore store;

    @Inject
    public ApiTokenIdentityProvider(ConfigStore store) {
        this.store = store;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        Optional<ApiToken> token = ApiTokens.match(store.current().tokens(), request.getToken().getToken());
        if (token.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the API token is not valid"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(token.get().name()))
                .addRoles(roles(token.get().role()))
                .build());
    }

    /** The roles a token of {@code role} holds: an admin may do everything a viewer may. */
    static Set<String> roles(String role) {
        return ApiToken.ADMIN.equals(role) ? Set.of(ApiToken.ADMIN, ApiToken.VIEWER) : Set.of(role);
    }
}
