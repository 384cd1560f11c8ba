package io.portcullis.api;

import io.portcullis.admin.AdminReports;
import io.portcullis.admin.ServerReport;
import io.portcullis.config.ApiToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** {@code /api/v1/servers}: the open server connections, as the admin console's {@code SHOW SERVERS} lists them. */
@Path("/api/v1/servers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtime")
public class ServersResource {

    private final AdminReports reports;
    private final ReplicaFanOut replicas;

    @Inject
    public ServersResource(AdminReports reports, ReplicaFanOut replicas) {
        this.reports = reports;
        this.replicas = replicas;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listServers", summary = "List server connections", description = "By database and id; clientId names the session a connection is lent to. " + RuntimeRows.REPLICA_PARAMETER)
    @APIResponse(responseCode = "200", description = "the server connections",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ServerReport.class)))
    @APIResponse(responseCode = "404", description = "no live replica of that name")
    public Response list(@QueryParam("replica") @Parameter(description = RuntimeRows.REPLICA_DESCRIPTION) String replica) {
        return RuntimeRows.answer(replicas, ReplicaFanOut.Op.SERVERS, replica, reports::servers);
    }
}
