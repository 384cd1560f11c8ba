package io.portcullis.api;

import io.portcullis.admin.AdminReports;
import io.portcullis.admin.StatsReport;
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


/** {@code /api/v1/stats}: per-database statistics, as the admin console's {@code SHOW STATS} shows them. */
@Path("/api/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtime")
public class StatsResource {

    private final AdminReports reports;
    private final ReplicaFanOut replicas;

    @Inject
    public StatsResource(AdminReports reports, ReplicaFanOut replicas) {
        this.reports = reports;
        this.replicas = replicas;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listStats", summary = "Statistics per database", description = "Totals since start and averages over the last "
            + "portcullis.admin.stats-period; times in microseconds, as PgBouncer's SHOW STATS. " + RuntimeRows.REPLICA_PARAMETER)
    @APIResponse(responseCode = "200", description = "the statistics",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = StatsReport.class)))
    @APIResponse(responseCode = "404", description = "no live replica of that name")
    public Response list(@QueryParam("replica") @Parameter(description = RuntimeRows.REPLICA_DESCRIPTION) String replica) {
        return RuntimeRows.answer(replicas, ReplicaFanOut.Op.STATS, replica, reports::stats);
    }
}
