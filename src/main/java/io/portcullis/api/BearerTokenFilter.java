package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token authentication for everything under {@code /api}. Pre-matching, so an unknown path
 * under {@code /api} is 401 rather than 404 for an anonymous caller (paths reveal nothing before
 * login). {@code /q/health}, {@code /q/metrics} and the OpenAPI document are Vert.x routes, not
 * JAX-RS resources, so they never reach this filter and stay open.
 *
 * <p>Runs on the event loop: it only reads the current config snapshot and hashes a short string.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    static final String API_PREFIX = "/api";
    private static final String SCHEME = "bearer ";
    private static final String CHALLENGE = "Bearer realm=\"portcullis\"";
    private static final Set<String> READ_ONLY_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ConfigStore store;

    @Inject
    public BearerTokenFilter(ConfigStore store) {
        this.store = store;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = normalize(request.getUriInfo().getRequestUri().getPath());
        if (!path.equals(API_PREFIX) && !path.startsWith(API_PREFIX + "/")) {
            return;
        }
        String instance = request.getUriInfo().getRequestUri().getRawPath();
        String presented = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        Optional<ApiToken> token = ApiTokens.match(store.current().tokens(), presented);
        if (token.isEmpty()) {
            String detail = presented == null
                    ? "send an API token as 'Authorization: Bearer <token>'"
                    : "the API token is not valid";
            String challenge = presented == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"";
            request.abortWith(withChallenge(Problems.response(ProblemType.UNAUTHORIZED, detail, instance), challenge));
            return;
        }
        ApiCaller caller = ApiCaller.of(token.get(), request.getSecurityContext().isSecure());
        if (!caller.isAdmin() && !READ_ONLY_METHODS.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            request.abortWith(Problems.response(ProblemType.FORBIDDEN,
                    "token '" + caller.name() + "' has the role " + caller.role() + ", which may only read", instance));
            return;
        }
        request.setSecurityContext(caller);
    }

    private static Response withChallenge(Response problem, String challenge) {
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    /** The token after {@code Bearer } (scheme case-insensitive), or null when there is none. */
    static String bearerToken(String authorization) {
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

    /** Collapses repeated slashes, so {@code //api/v1} cannot slip past the prefix check. */
    static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        String collapsed = path.replaceAll("/{2,}", "/");
        return collapsed.startsWith("/") ? collapsed : "/" + collapsed;
    }
}
