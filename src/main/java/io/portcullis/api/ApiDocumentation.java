package io.portcullis.api;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Document-level OpenAPI facts: every operation needs a bearer token (see {@link BearerTokenFilter}).
 * Title and version come from {@code quarkus.smallrye-openapi.info-*} so the stored spec is stable.
 */
@OpenAPIDefinition(
        info = @Info(title = "Portcullis API", version = "1.0.0",
                description = "Configuration of the Portcullis PostgreSQL-wire gateway. Every write is validated, "
                        + "stored durably and applied live. Errors are application/problem+json (RFC 9457)."),
        security = @SecurityRequirement(name = ApiDocumentation.BEARER),
        tags = {
                @Tag(name = "databases", description = "Databases clients connect to, and their backends"),
                @Tag(name = "users", description = "Client users of the gateway"),
                @Tag(name = "tokens", description = "Management API tokens (admin only)")
        })
@SecurityScheme(securitySchemeName = ApiDocumentation.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API token: 'Authorization: Bearer <token>'. Role admin may write, viewer may only read.")
public final class ApiDocumentation {

    public static final String BEARER = "bearer";
    public static final String PROBLEM_SCHEMA = "Problem";

    private ApiDocumentation() {
    }
}
