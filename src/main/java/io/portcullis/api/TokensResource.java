package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /api/v1/tokens}: management API tokens, admin only (even listing: who holds access is
 * itself worth protecting). A token is shown once, in the answer to its creation; only its
 * SHA-256 is stored.
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "tokens", description = "Management API tokens (admin only)")
public class TokensResource {

    private final ConfigStore store;
    private final SecureRandom random = new SecureRandom();
    private final Audit audit;

    @Inject
    public TokensResource(ConfigStore store, Audit audit) {
        this.store = store;
        this.audit = audit;
    }

    @GET
    @RolesAllowed(ApiToken.ADMIN)
    @Operation(operationId = "listTokens", summary = "List API tokens",
            description = "Names and roles only; tokens cannot be read back.")
    @APIResponse(responseCode = "200", description = "the tokens",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = TokenView.class)))
    public List<TokenView> list() {
        return store.current().tokens().stream()
                .sorted(Comparator.comparing(ApiToken::name))
                .map(TokenView::of)
                .toList();
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "createToken", summary = "Create an API token",
            description = "The answer holds the token; it is not shown again.")
    @APIResponse(responseCode = "201", description = "created; the body holds the token",
            content = @Content(schema = @Schema(implementation = TokenView.class)))
    @APIResponse(responseCode = "400", description = "invalid name or role")
    @APIResponse(responseCode = "409", description = "a token of that name exists")
    public Response create(@RequestBody(content = @Content(examples = @ExampleObject(name = "viewer",
                                   summary = "a read-only token for a dashboard",
                                   value = "{\"name\": \"grafana\", \"role\": \"viewer\"}"))) TokenRequest body,
                           @Context UriInfo uri) {
        if (body == null || body.name() == null || body.role() == null) {
            throw ApiProblem.badRequest("name and role are required");
        }
        if (!ApiToken.ADMIN.equals(body.role()) && !ApiToken.VIEWER.equals(body.role())) {
            throw ApiProblem.badRequest("role must be one of admin, viewer, not '" + body.role() + "'");
        }
        String token = ApiTokens.generate(random);
        ApiToken stored = new ApiToken(body.name(), body.role(), ApiTokens.sha256Hex(token));
        GatewayConfig after = store.update(ConfigStore.ANY_VERSION, config -> {
            if (config.tokens().stream().anyMatch(t -> t.name().equals(body.name()))) {
                throw ApiProblem.conflict("a token named '" + body.name() + "' exists; delete it first or pick another name");
            }
            List<ApiToken> tokens = new ArrayList<>(config.tokens());
            tokens.add(stored);
            return config.withTokens(tokens);
        });
        audit.write("created " + body.role() + " token '" + body.name() + "'", after.version());
        return Response.created(uri.getAbsolutePathBuilder().path(body.name()).build())
                .entity(new TokenView(stored.name(), stored.role(), token))
                .build();
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{name}")
    @StoresConfiguration
    @Operation(operationId = "revokeToken", summary = "Revoke an API token", description = "The last admin token cannot be revoked. A revoked "
            + "bootstrap token stays revoked: the same portcullis.admin-token is not installed again at the next start.")
    @APIResponse(responseCode = "204", description = "revoked")
    @APIResponse(responseCode = "404", description = "no such token")
    @APIResponse(responseCode = "409", description = "it is the last admin token")
    public Response delete(@PathParam("name") String name) {
        GatewayConfig after = store.update(ConfigStore.ANY_VERSION, config -> revoke(config, name));
        audit.write("revoked token '" + name + "'", after.version());
        return Response.noContent().build();
    }

    /**
     * {@code config} without the token {@code name}. A revoked bootstrap token's hash is remembered, so that the
     * same {@code portcullis.admin-token} does not bring it back at the next start ({@link AdminTokenBootstrap}).
     *
     * @throws ApiProblem 404 when there is no such token, 409 when it is the last admin token
     */
    static GatewayConfig revoke(GatewayConfig config, String name) {
        ApiToken target = config.tokens().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("token '" + name + "' does not exist"));
        long admins = config.tokens().stream().filter(t -> ApiToken.ADMIN.equals(t.role())).count();
        if (ApiToken.ADMIN.equals(target.role()) && admins == 1) {
            throw ApiProblem.conflict("token '" + name + "' is the last admin token; create another first");
        }
        List<ApiToken> tokens = new ArrayList<>(config.tokens());
        tokens.remove(target);
        GatewayConfig without = config.withTokens(tokens);
        return target.name().equals(AdminTokenBootstrap.TOKEN_NAME)
                ? without.withRevokedBootstrapToken(target.sha256Hex()) : without;
    }
}
