package io.portcullis.api;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <token>} for Quarkus Security; {@link ApiTokenIdentityProvider} decides
 * what the token is worth. No bearer token means an anonymous caller, whom the HTTP permission on
 * {@code /api/*} and every resource's {@code @RolesAllowed} then refuse with the challenge below.
 *
 * <p>The challenge is written here as a whole problem answer ({@link #sendChallenge}), because Quarkus sends
 * it from its routing layer, where no JAX-RS exception mapper runs.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    private static final HttpCredentialTransport TRANSPORT =
            new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer");

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = BearerChallenge.presentedToken(context.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        AuthenticationRequest request = new TokenAuthenticationRequest(new TokenCredential(token, "bearer"));
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(BearerChallenge.STATUS, BearerChallenge.HEADER,
                BearerChallenge.challenge(context.request().getHeader(HttpHeaders.AUTHORIZATION))));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (!context.response().ended()) {
            context.response().putHeader(BearerChallenge.HEADER, BearerChallenge.challenge(authorization));
            RoutingProblems.end(context.response(), ProblemType.UNAUTHORIZED, BearerChallenge.STATUS,
                    BearerChallenge.detail(authorization), context.request().path());
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(TRANSPORT);
    }
}
