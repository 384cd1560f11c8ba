package io.portcullis.api;

import io.portcullis.admin.AdminActions;
import io.portcullis.admin.AdminReports;
import io.portcullis.proxy.ClientInfo;
import io.portcullis.config.ApiToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import io.portcullis.cluster.Replica;
import io.portcullis.peer.CancelKeys;
import java.util.Optional;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * {@code /api/v1/clients}: the live client sessions as the admin console's {@code SHOW CLIENTS}
 * lists them (plus sessions still logging in), and {@code KILL_CLIENT} as a DELETE.
 */
@Path("/api/v1/clients")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtime")
public class ClientsResource {

    private final AdminReports reports;
    private final AdminActions actions;
    private final Audit audit;
    private final ReplicaFanOut replicas;

    @Inject
    public ClientsResource(AdminReports reports, AdminActions actions, Audit audit, ReplicaFanOut replicas) {
        this.reports = reports;
        this.actions = actions;
        this.audit = audit;
        this.replicas = replicas;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listClients", summary = "List client sessions",
            description = "Every live session by id (the id KILL_CLIENT and DELETE take): state active, idle, waiting "
                    + "or login; console sessions have console true. " + RuntimeRows.REPLICA_PARAMETER)
    @APIResponse(responseCode = "200", description = "the sessions",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ClientInfo.class)))
    @APIResponse(responseCode = "404", description = "no live replica of that name")
    public Response list(@QueryParam("replica") @Parameter(description = RuntimeRows.REPLICA_DESCRIPTION) String replica) {
        return RuntimeRows.answer(replicas, ReplicaFanOut.Op.CLIENTS, replica, reports::clients);
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{id}")
    @Operation(operationId = "killClient", summary = "End a client session (KILL_CLIENT)",
            description = "The session ends with 57P01; its server connection goes back to the pool, or is closed "
                    + "when the session was inside a transaction. Whichever replica owns the session (its id names it, "
                    + "as the BackendKeyData process id does) ends it.")
    @APIResponse(responseCode = "204", description = "the session is being ended")
    @APIResponse(responseCode = "404", description = "no such session")
    @APIResponse(responseCode = "502", description = "the replica that owns the session did not answer")
    public Response kill(@PathParam("id") int id) {
        Optional<Replica> owner = replicas.ownerOf(CancelKeys.peerOf(id));
        if (owner.isEmpty()) {
            actions.killClient(id);
            audit.action("ended client session " + id);
            return Response.noContent().build();
        }
        ReplicaFanOut.Outcome outcome = replicas.run(ReplicaFanOut.Op.KILL_CLIENT, null, id, owner.get().name()).get(0);
        if (outcome.ok()) {
            audit.action("ended client session " + id + " on replica '" + owner.get().name() + "'");
            return Response.noContent().build();
        }
        throw outcome.status() == 404 ? ApiProblem.notFound(outcome.detail())
                : ApiProblem.replicaUnreachable("replica '" + owner.get().name() + "', which owns client " + id + ", did not answer: "
                        + outcome.detail());
    }
}
