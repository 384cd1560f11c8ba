package io.portcullis.api;

import io.portcullis.config.ApiToken;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/**
 * Who made an API request: the name and role of the token presented. Installed by
 * {@link BearerTokenFilter} as the request's {@link SecurityContext}; resources read it for
 * role checks and audit logs. {@code admin} includes {@code viewer}.
 */
record ApiCaller(String name, String role, boolean secure) implements SecurityContext, Principal {

    static ApiCaller of(ApiToken token, boolean secure) {
        return new ApiCaller(token.name(), token.role(), secure);
    }

    static ApiCaller from(SecurityContext context) {
        if (context instanceof ApiCaller caller) {
            return caller;
        }
        throw new IllegalStateException("request reached a resource without token authentication");
    }

    boolean isAdmin() {
        return ApiToken.ADMIN.equals(role);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Principal getUserPrincipal() {
        return this;
    }

    @Override
    public boolean isUserInRole(String wanted) {
        return role.equals(wanted) || (isAdmin() && ApiToken.VIEWER.equals(wanted));
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return "Bearer";
    }
}
