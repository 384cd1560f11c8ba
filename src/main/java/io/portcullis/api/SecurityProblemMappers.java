package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * A resource method's {@code @RolesAllowed} refusing the caller, as {@code application/problem+json}:
 * 401 with the bearer challenge for an anonymous caller or an unknown token, 403 naming the token and its
 * role for a caller with too little. Quarkus's own mappers for these answer with an empty body.
 */
public class SecurityProblemMappers {

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers, UriInfo uri) {
        return challenge(headers, uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpHeaders headers, UriInfo uri) {
        return challenge(headers, uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request, SimpleResourceInfo resource, UriInfo uri) {
        SecurityContext caller = request.getSecurityContext();
        String name = caller.getUserPrincipal() == null ? "?" : caller.getUserPrincipal().getName();
        String role = caller.isUserInRole(ApiToken.ADMIN) ? ApiToken.ADMIN
                : caller.isUserInRole(ApiToken.VIEWER) ? ApiToken.VIEWER : "none";
        String detail = resource != null && resource.getResourceClass() == TokensResource.class
                ? "managing API tokens needs the role admin; token '" + name + "' has the role " + role
                : "token '" + name + "' has the role " + role + ", which may only read";
        return Problems.response(ProblemType.FORBIDDEN, detail, uri.getRequestUri().getRawPath());
    }

    private static Response challenge(HttpHeaders headers, UriInfo uri) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        return Response.fromResponse(Problems.response(ProblemType.UNAUTHORIZED, BearerChallenge.detail(authorization),
                        uri.getRequestUri().getRawPath()))
                .header(BearerChallenge.HEADER, BearerChallenge.challenge(authorization))
                .build();
    }
}
