package io.portcullis.api;

import io.portcullis.cluster.Replica;
import io.portcullis.cluster.ReplicaRegistry;
import io.portcullis.config.ApiToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * {@code /api/v1/replicas}: the replicas sharing the configuration store, as the admin console's {@code SHOW PEERS}
 * lists them, with what PgBouncer's columns do not show. Read from the store at each call (a worker thread), so
 * a version one replica applied is visible through any other at once; the last snapshot while the store cannot
 * be reached.
 */
@Path("/api/v1/replicas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtime")
public class ReplicasResource {

    private final ReplicaRegistry registry;

    @Inject
    public ReplicasResource(ReplicaRegistry registry) {
        this.registry = registry;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listReplicas", summary = "List replicas",
            description = "By name: every replica registered in the shared configuration store, this one included "
                    + "(self), with the configuration version each has applied and whether it is live (a heartbeat "
                    + "within 3 intervals) and ready. With the file store, only this replica.")
    @APIResponse(responseCode = "200", description = "the replicas",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Replica.class)))
    public List<Replica> list() {
        return registry.refresh();
    }
}
