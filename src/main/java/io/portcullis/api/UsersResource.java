package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.PasswordVerifiers;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UserConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /api/v1/users}: the client users of the gateway. A password is turned into a verifier
 * here, on a worker thread (SCRAM hashing is slow by design), and never stored or returned.
 */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "users", description = "Client users of the gateway")
public class UsersResource {

    private final ConfigStore store;
    /** portcullis.auth.scram-iterations (the gateway refuses to start with a value out of range). */
    private final int scramIterations;
    private final Audit audit;

    @Inject
    public UsersResource(ConfigStore store, AuthSettings auth, Audit audit) {
        this.store = store;
        this.scramIterations = auth.checkedScramIterations();
        this.audit = audit;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listUsers", summary = "List users", description = "All users, sorted by name. The ETag is the configuration version.")
    @APIResponse(responseCode = "200", description = "the users",
            headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = UserView.class)))
    public Response list(@Context Request request) {
        GatewayConfig config = store.current();
        return EntityTags.read(request, config, () -> config.users().values().stream()
                .sorted(Comparator.comparing(UserConfig::name))
                .map(UserView::of)
                .toList());
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Path("{name}")
    @Operation(operationId = "getUser", summary = "Read a user",
            description = "The user's settings; the password only as passwordSet.")
    @APIResponse(responseCode = "200", description = "the user",
            headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", description = "no such user")
    public Response get(@PathParam("name") String name, @Context Request request) {
        GatewayConfig config = store.current();
        UserConfig user = config.user(name).orElseThrow(() -> notFound(name));
        return EntityTags.read(request, config, () -> UserView.of(user));
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{name}")
    @StoresConfiguration
    @Operation(operationId = "putUser", summary = "Create or replace a user",
            description = "The password becomes a SCRAM-SHA-256 verifier (an md5 hash for auth md5) and is never "
                    + "returned. A left-out password keeps the stored verifier while auth stays the same. Every "
                    + "database listed must exist; an empty list means all databases. poolMode, maxClientConnections and "
                    + "maxUserConnections left out mean the database's mode and no limits.")
    @APIResponse(responseCode = "200", description = "replaced", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "201", description = "created", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "invalid body; detail names the field")
    public Response put(@PathParam("name") String name,
                        @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                        @RequestBody(content = @Content(examples = @ExampleObject(name = "scram",
                                summary = "a SCRAM user limited to one database",
                                value = "{\"password\": \"s3cret-app-password\", \"databases\": [\"questdb\"], "
                                        + "\"maxClientConnections\": 50}")))
                        UserRequest body,
                        @Context UriInfo uri) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"password\", \"auth\", \"databases\", \"admin\", "
                    + "\"poolMode\", \"maxClientConnections\", \"maxUserConnections\"}");
        }
        body.check(name);
        AuthMethod auth = body.authOrDefault();
        // Hash before taking the store's lock: SCRAM's key derivation takes milliseconds on purpose.
        String scramVerifier = body.password() != null && auth == AuthMethod.SCRAM_SHA_256
                ? PasswordVerifiers.scramSha256(body.password(), scramIterations) : null;
        String md5Hash = body.password() != null && auth == AuthMethod.MD5
                ? PasswordVerifiers.md5(name, body.password()) : null;
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, seen.user(name).isPresent());
        AtomicBoolean created = new AtomicBoolean();
        GatewayConfig stored = store.update(expected, config -> {
            UserConfig existing = config.user(name).orElse(null);
            EntityTags.requireExisting(ifMatch, existing, "user '" + name + "'");
            created.set(existing == null);
            UserConfig user = new UserConfig(name, auth,
                    scramVerifier != null ? scramVerifier : kept(existing, auth, AuthMethod.SCRAM_SHA_256),
                    md5Hash != null ? md5Hash : kept(existing, auth, AuthMethod.MD5),
                    body.databases(), Boolean.TRUE.equals(body.admin()), body.poolMode(),
                    orZero(body.maxClientConnections()), orZero(body.maxUserConnections()));
            return config.withUser(user);
        });
        audit.write((created.get() ? "created" : "replaced") + " user '" + name + "'",
                stored.version());
        UserView view = UserView.of(stored.user(name).orElseThrow());
        Response.ResponseBuilder response = created.get() ? Response.created(uri.getAbsolutePath()) : Response.ok();
        return response.entity(view).tag(EntityTags.of(stored)).build();
    }

    /**
     * The stored credential of kind {@code kind} to keep when no password was sent, or null when
     * the new auth does not use that kind.
     *
     * @throws ApiProblem 400 when the new auth needs a credential that is not stored
     */
    private static String kept(UserConfig existing, AuthMethod auth, AuthMethod kind) {
        if (auth != kind) {
            return null;
        }
        String stored = existing == null ? null : kind == AuthMethod.MD5 ? existing.md5Hash() : existing.scramVerifier();
        if (stored == null) {
            throw ApiProblem.badRequest(existing == null
                    ? "password is required to create a user with auth " + auth.wireName()
                    : "password is required to change auth from " + existing.auth().wireName() + " to " + auth.wireName());
        }
        return stored;
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{name}")
    @StoresConfiguration
    @Operation(operationId = "deleteUser", summary = "Delete a user",
            description = "New logins as the user are refused from then on.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", description = "no such user")
    public Response delete(@PathParam("name") String name,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        GatewayConfig seen = store.current();
        if (seen.user(name).isEmpty()) {
            throw notFound(name);
        }
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        GatewayConfig stored = store.update(expected, config -> {
            if (config.user(name).isEmpty()) {
                throw notFound(name);
            }
            return config.withoutUser(name);
        });
        audit.write("deleted user '" + name + "'", stored.version());
        return Response.noContent().build();
    }

    private static int orZero(Integer limit) {
        return limit == null ? 0 : limit;
    }

    static ApiProblem notFound(String name) {
        return ApiProblem.notFound("user '" + name + "' does not exist");
    }
}
