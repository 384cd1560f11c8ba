package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.SettingsConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/settings}: the process-wide pool and session settings (timeouts, the client limit,
 * the server check). Stored in the configuration store, so they survive a restart and reach every
 * replica using a shared store; the application properties stay the defaults. A change applies
 * live: pools and sessions read the settings at each use, and every session looks at its timeouts
 * again at once. Nothing restarts and no session is dropped by the change itself.
 */
@Path("/api/v1/settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "settings", description = "Process-wide pool and session settings")
public class SettingsResource {

    private final ConfigStore store;
    private final LiveSettings live;
    private final Audit audit;

    @Inject
    public SettingsResource(ConfigStore store, LiveSettings live, Audit audit) {
        this.store = store;
        this.live = live;
        this.audit = audit;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "getSettings", summary = "Read the settings",
            description = "The stored overrides (null = the application property applies), the values in force and the defaults.")
    @APIResponse(responseCode = "200", description = "the settings", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = Settings.class)))
    public Response get(@Context Request request) {
        GatewayConfig config = store.current();
        return EntityTags.read(request, config, () -> view(config));
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "putSettings", summary = "Replace the settings",
            description = "Stores every override sent and clears the ones left out or null (back to the application property). "
                    + "Read, change and send back with If-Match to change one. Durations: \"30s\", \"500ms\", \"5m\", \"1h\", "
                    + "\"30\" (seconds) or ISO-8601 \"PT30S\". Applies live to the next connection, login and timeout check.")
    @APIResponse(responseCode = "200", description = "stored and applied", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = Settings.class)))
    @APIResponse(responseCode = "400", description = "invalid value; detail names the field")
    public Response put(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                        @RequestBody(content = @Content(examples = @ExampleObject(name = "timeouts",
                                summary = "override two timeouts, every other setting back to its default",
                                value = "{\"queryTimeout\": \"30s\", \"queryWaitTimeout\": \"2m\"}")))
                        Settings body) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: the settings to override, e.g. {\"queryTimeout\": \"30s\"}; "
                    + "{} returns every setting to its default");
        }
        SettingsConfig next = body.toConfig();
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        GatewayConfig stored = store.update(expected, config -> config.withSettings(next));
        audit.write("replaced the settings (overridden: "
                + (next.overridden().isEmpty() ? "none" : String.join(", ", next.overridden())) + ")", stored.version());
        return Response.ok(view(stored)).tag(EntityTags.of(stored)).build();
    }

    private Settings view(GatewayConfig config) {
        SettingsConfig stored = config.settings();
        return Settings.of(stored, live.defaults().withOverrides(stored), live.defaults());
    }
}
