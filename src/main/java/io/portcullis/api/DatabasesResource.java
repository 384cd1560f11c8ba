package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.SecretBox;
import io.portcullis.config.UserConfig;
import io.portcullis.tls.BackendTlsDefaults;
import io.portcullis.observe.BackendReachability;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /api/v1/databases}: the databases clients connect to and their backends. Backend
 * passwords are sealed by {@link SecretBox} before they reach the store and are never returned.
 * Writes block on the store's fsync, hence {@link Blocking}.
 */
@Path("/api/v1/databases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "databases", description = "Databases clients connect to, and their backends")
public class DatabasesResource {

    private final ConfigStore store;
    private final SecretBox secrets;
    private final BackendTlsDefaults backendTls;
    private final Audit audit;
    /** The backend status each view shows (read-only). */
    @Inject
    BackendReachability backends;

    @Inject
    public DatabasesResource(ConfigStore store, SecretBox secrets, BackendTlsDefaults backendTls, Audit audit) {
        this.store = store;
        this.secrets = secrets;
        this.backendTls = backendTls;
        this.audit = audit;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listDatabases", summary = "List databases",
            description = "All databases, sorted by name. The ETag is the configuration version.")
    @APIResponse(responseCode = "200", description = "the databases",
            headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = DatabaseView.class)))
    public Response list(@Context Request request) {
        GatewayConfig config = store.current();
        return EntityTags.read(request, config, () -> config.databases().values().stream()
                .sorted(Comparator.comparing(DatabaseConfig::name))
                .map(db -> DatabaseView.of(db, backends))
                .toList());
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Path("{name}")
    @Operation(operationId = "getDatabase", summary = "Read a database",
            description = "The database's settings (secrets only as passwordSet and serverKeySet) and the backend's status.")
    @APIResponse(responseCode = "200", description = "the database",
            headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = DatabaseView.class)))
    @APIResponse(responseCode = "404", description = "no such database")
    public Response get(@PathParam("name") String name, @Context Request request) {
        GatewayConfig config = store.current();
        DatabaseConfig db = config.database(name).orElseThrow(() -> notFound(name));
        return EntityTags.read(request, config, () -> DatabaseView.of(db, backends));
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{name}")
    @StoresConfiguration
    @Operation(operationId = "putDatabase", summary = "Create or replace a database",
            description = "Replaces the whole database (left-out fields take their defaults), except that a "
                    + "left-out password keeps the stored one while host, port and user stay (a change of them needs "
                    + "the password again), and a left-out serverKey keeps the stored one while host and port stay; for "
                    + "a database with several hosts, while the set of hosts stays (its order may change). "
                    + "The change is stored durably and applied live.")
    @APIResponse(responseCode = "200", description = "replaced", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = DatabaseView.class)))
    @APIResponse(responseCode = "201", description = "created", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = DatabaseView.class)))
    @APIResponse(responseCode = "400", description = "invalid body; detail names the field")
    public Response put(@PathParam("name") String name,
                        @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                        @RequestBody(content = @Content(examples = {@ExampleObject(name = "questdb",
                                summary = "a QuestDB backend, transaction pooling",
                                value = "{\"host\": \"questdb.internal\", \"port\": 8812, \"user\": \"admin\", "
                                        + "\"password\": \"quest\", \"poolMode\": \"transaction\", \"poolSize\": 20}"),
                                @ExampleObject(name = "primary-and-standby",
                                summary = "a PostgreSQL primary and its standby: writes go to whichever is the primary",
                                value = "{\"hosts\": [\"pg-a.internal:5432\", \"pg-b.internal:5432\"], "
                                        + "\"targetSessionAttrs\": \"read-write\", \"dbname\": \"app\", "
                                        + "\"user\": \"app\", \"password\": \"secret\"}")}))
                        DatabaseRequest body,
                        @Context UriInfo uri) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"host\", \"port\", \"user\", ...}");
        }
        // Parsing and sealing happen before taking the store's lock; "" removes a secret, null keeps it.
        DatabaseWrite write = DatabaseWrite.prepare(name, body, secrets);
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, seen.database(name).isPresent());
        AtomicBoolean created = new AtomicBoolean();
        GatewayConfig stored = store.update(expected, config -> {
            DatabaseConfig existing = config.database(name).orElse(null);
            EntityTags.requireExisting(ifMatch, existing, "database '" + name + "'");
            created.set(existing == null);
            return config.withDatabase(write.apply(existing, secrets, backendTls));
        });
        audit.write((created.get() ? "created" : "replaced") + " database '" + name + "'",
                stored.version());
        DatabaseView view = DatabaseView.of(stored.database(name).orElseThrow(), backends);
        Response.ResponseBuilder response = created.get()
                ? Response.created(uri.getAbsolutePath())
                : Response.ok();
        return response.entity(view).tag(EntityTags.of(stored)).build();
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{name}")
    @StoresConfiguration
    @Operation(operationId = "deleteDatabase", summary = "Delete a database", description = "Refused with 409 while users still list it.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", description = "no such database")
    @APIResponse(responseCode = "409", description = "users still list the database")
    public Response delete(@PathParam("name") String name,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        GatewayConfig seen = store.current();
        if (seen.database(name).isEmpty()) {
            throw notFound(name);
        }
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        GatewayConfig stored = store.update(expected, config -> {
            if (config.database(name).isEmpty()) {
                throw notFound(name);
            }
            List<String> users = config.users().values().stream()
                    .filter(u -> u.databases().contains(name))
                    .map(UserConfig::name)
                    .sorted()
                    .toList();
            if (!users.isEmpty()) {
                throw ApiProblem.conflict("database '" + name + "' is still listed by user"
                        + (users.size() == 1 ? " '" : "s '") + String.join("', '", users)
                        + "'; remove it from their databases first");
            }
            return config.withoutDatabase(name);
        });
        audit.write("deleted database '" + name + "'", stored.version());
        return Response.noContent().build();
    }

    static ApiProblem notFound(String name) {
        return ApiProblem.notFound("database '" + name + "' does not exist");
    }
}
