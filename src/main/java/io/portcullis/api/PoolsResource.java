package io.portcullis.api;

import io.portcullis.admin.AdminActions;
import io.portcullis.admin.AdminException;
import io.portcullis.admin.AdminReports;
import io.portcullis.admin.PoolReport;
import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.PoolHold;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/v1/pools}: the pools as the admin console's {@code SHOW POOLS} shows them, and the
 * console's per-database controls. Nothing here is stored: a restart forgets pauses and disables, as
 * PgBouncer does. Viewers may read; the controls need an admin token.
 */
@Path("/api/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtime", description = "The running gateway: pools, client sessions, server connections, statistics (the admin console's data)")
public class PoolsResource {

    /** A pause answers 200 once complete; after this long it answers 202 and goes on in the background. */
    static final Duration PAUSE_ANSWER_WAIT = Duration.ofSeconds(10);

    private final AdminReports reports;
    private final AdminActions actions;
    private final Audit audit;
    private final ConfigStore store;
    private final ReplicaConfirmations confirmations;
    private final ReplicaFanOut replicas;

    @Inject
    public PoolsResource(AdminReports reports, AdminActions actions, Audit audit, ConfigStore store,
                         ReplicaConfirmations confirmations, ReplicaFanOut replicas) {
        this.reports = reports;
        this.actions = actions;
        this.audit = audit;
        this.store = store;
        this.confirmations = confirmations;
        this.replicas = replicas;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listPools", summary = "List pools",
            description = "Each database with a pool (created with its first client), by name. " + RuntimeRows.REPLICA_PARAMETER)
    @APIResponse(responseCode = "200", description = "the pools",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = PoolReport.class)))
    @APIResponse(responseCode = "404", description = "no live replica of that name")
    public Response list(@QueryParam("replica") @Parameter(description = RuntimeRows.REPLICA_DESCRIPTION) String replica) {
        return RuntimeRows.answer(replicas, ReplicaFanOut.Op.POOLS, replica, reports::pools);
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/pause")
    @StoresConfiguration
    @Blocking
    @Operation(operationId = "pausePool", summary = "Pause a database on every replica (PAUSE)", description = "Nobody gets a "
            + "server connection any more; server connections close as they come back (transaction mode: at the end of "
            + "each transaction; session mode: when the client leaves). Queries and logins wait until resume. Stored: "
            + "every replica sharing the configuration store pauses, including one that starts later, until resume. "
            + "Answers 200 when every server connection of the answering replica is closed, or 202 if that takes longer "
            + "than 10 s (the pause goes on); replicas lists which replicas applied it.")
    @APIResponse(responseCode = "200", description = "paused, no server connection open on this replica",
            content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "202", description = "pausing: server connections still lent will close when returned",
            content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database")
    @APIResponse(responseCode = "409", description = "the pause did not complete; the detail says why")
    public CompletionStage<Response> pause(@PathParam("database") String database,
                                           @QueryParam("replica") @Parameter(description = ONE_REPLICA) String replica) {
        if (oneReplica(replica)) {
            return CompletableFuture.completedFuture(Response.ok(onOne(ReplicaFanOut.Op.PAUSE, database, replica, "paused")).build());
        }
        long version = storeHold(database, hold -> hold.withPaused(true));
        audit.write("paused database '" + database + "' on every replica", version);
        CompletableFuture<Void> paused = actions.pause(Optional.of(database)).toCompletionStage().toCompletableFuture();
        return paused.thenApply(v -> true)
                .completeOnTimeout(false, PAUSE_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, failure) -> failure != null
                        ? Problems.response(ProblemType.CONFLICT, "the pause did not complete: " + rootMessage(failure),
                                "/api/v1/pools/" + database + "/pause")
                        : Response.status(done ? 200 : 202).entity(answer(database, version)).build());
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/resume")
    @StoresConfiguration
    @Operation(operationId = "resumePool", summary = "Resume a paused or killed database on every replica (RESUME)",
            description = "Server connections are lent again; queries and logins that waited go on. Lifts a stored pause "
                    + "on every replica, and a console PAUSE or KILL on the answering one.")
    @APIResponse(responseCode = "200", description = "resumed", content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database")
    @APIResponse(responseCode = "409", description = "the database is not paused")
    public PoolActionView resume(@PathParam("database") String database,
                                 @QueryParam("replica") @Parameter(description = ONE_REPLICA) String replica) {
        if (oneReplica(replica)) {
            return onOne(ReplicaFanOut.Op.RESUME, database, replica, "resumed");
        }
        requireDatabase(database);
        if (!store.current().hold(database).paused()) {
            // Not paused for the gateway: replicas may be on their own (a console PAUSE, a KILL); 409 when none is.
            List<ReplicaFanOut.Outcome> outcomes = replicas.run(ReplicaFanOut.Op.RESUME, database, null, null);
            if (outcomes.stream().noneMatch(ReplicaFanOut.Outcome::ok)
                    && outcomes.stream().allMatch(o -> o.status() == 409)) {
                throw ApiProblem.conflict("database " + database + " is not paused on any replica");
            }
            audit.action("resumed database '" + database + "' on every replica");
            return new PoolActionView(localReport(database), outcomes.stream().map(ReplicaConfirmations.Applied::of).toList());
        }
        long version = storeHold(database, hold -> hold.withPaused(false));
        audit.write("resumed database '" + database + "' on every replica", version);
        return answer(database, version);
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/reconnect")
    @Operation(operationId = "reconnectPool", summary = "Replace a database's server connections on every replica (RECONNECT)",
            description = "Idle server connections close now, lent ones when they come back; new ones open as needed. "
                    + "On every live replica, or the one ?replica= names; replicas lists each one's outcome.")
    @APIResponse(responseCode = "200", description = "done", content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database, or no live replica of that name")
    public PoolActionView reconnect(@PathParam("database") String database,
                                    @QueryParam("replica") @Parameter(description = RuntimeRows.TARGET_DESCRIPTION) String replica) {
        return onReplicas(ReplicaFanOut.Op.RECONNECT, database, replica, "reconnected");
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/kill")
    @Operation(operationId = "killPool", summary = "Drop a database's clients and server connections on every replica (KILL)",
            description = "Every client session of the database ends with 57P01, its server connections close, and "
                    + "the database stays paused on those replicas until resume, as in PgBouncer (in their memory: not "
                    + "stored). On every live replica, or the one ?replica= names.")
    @APIResponse(responseCode = "200", description = "done", content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database, or no live replica of that name")
    public PoolActionView kill(@PathParam("database") String database,
                               @QueryParam("replica") @Parameter(description = RuntimeRows.TARGET_DESCRIPTION) String replica) {
        return onReplicas(ReplicaFanOut.Op.KILL, database, replica, "killed");
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/disable")
    @StoresConfiguration
    @Operation(operationId = "disablePool", summary = "Refuse new logins to a database on every replica (DISABLE)",
            description = "Sessions already in keep going; new logins get 57P03. Stored: every replica sharing the "
                    + "configuration store refuses them, including one that starts later, until enable.")
    @APIResponse(responseCode = "200", description = "done", content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database")
    public PoolActionView disable(@PathParam("database") String database,
                                  @QueryParam("replica") @Parameter(description = ONE_REPLICA) String replica) {
        if (oneReplica(replica)) {
            return onOne(ReplicaFanOut.Op.DISABLE, database, replica, "disabled");
        }
        long version = storeHold(database, hold -> hold.withDisabled(true));
        audit.write("disabled database '" + database + "' on every replica", version);
        actions.disable(database); // also creates the pool when it has none yet, so that it can be reported
        return answer(database, version);
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("{database}/enable")
    @StoresConfiguration
    @Operation(operationId = "enablePool", summary = "Accept new logins to a database again on every replica (ENABLE)",
            description = "Undoes DISABLE (the stored one on every replica, a console DISABLE on the answering one).")
    @APIResponse(responseCode = "200", description = "done", content = @Content(schema = @Schema(implementation = PoolActionView.class)))
    @APIResponse(responseCode = "404", description = "no such database")
    public PoolActionView enable(@PathParam("database") String database,
                                 @QueryParam("replica") @Parameter(description = ONE_REPLICA) String replica) {
        if (oneReplica(replica)) {
            return onOne(ReplicaFanOut.Op.ENABLE, database, replica, "enabled");
        }
        long version = storeHold(database, hold -> hold.withDisabled(false));
        // A console DISABLE on this replica is lifted too, as ENABLE always did.
        actions.enable(database);
        audit.write("enabled database '" + database + "' on every replica", version);
        return answer(database, version);
    }

    /** Stores {@code database}'s new hold (every replica applies it from the change, this one at once); its version. */
    private long storeHold(String database, java.util.function.UnaryOperator<PoolHold> change) {
        requireDatabase(database);
        return store.update(ConfigStore.ANY_VERSION, c -> {
            if (c.database(database).isEmpty()) {
                throw AdminException.unknownDatabase(database);
            }
            return c.withHold(database, change.apply(c.hold(database)));
        }).version();
    }

    static final String ONE_REPLICA = "a replica's name (GET /api/v1/replicas): act on that one alone, in its memory "
            + "only (not stored, as the console does); absent or all: every replica, stored";

    private static boolean oneReplica(String replica) {
        return replica != null && !replica.isBlank() && !ReplicaFanOut.ALL.equals(replica);
    }

    /** A hold changed on one replica alone, in its memory (the console's meaning); 404/409 as that replica answers. */
    private PoolActionView onOne(ReplicaFanOut.Op op, String database, String replica, String what) {
        requireDatabase(database);
        ReplicaFanOut.Outcome outcome = replicas.run(op, database, null, replica).get(0);
        if (outcome.status() == 409) {
            throw ApiProblem.conflict(outcome.detail());
        }
        if (outcome.ok()) {
            audit.action(what + " database '" + database + "' on replica '" + replica + "' (not stored)");
        }
        return new PoolActionView(localReport(database), List.of(ReplicaConfirmations.Applied.of(outcome)));
    }

    /** Runs a one-shot action on the replicas {@code replica} names, audits it, and answers each one's outcome. */
    private PoolActionView onReplicas(ReplicaFanOut.Op op, String database, String replica, String done) {
        requireDatabase(database);
        List<ReplicaConfirmations.Applied> outcomes = replicas.run(op, database, null, replica).stream()
                .map(ReplicaConfirmations.Applied::of).toList();
        audit.action(done + " database '" + database + "' on " + where(replica));
        return new PoolActionView(localReport(database), outcomes);
    }

    private static String where(String replica) {
        return replica == null || replica.isBlank() || ReplicaFanOut.ALL.equals(replica) ? "every replica"
                : "replica '" + replica + "'";
    }

    /** This replica's report of the database's pool, created if it has none yet. */
    private PoolReport localReport(String database) {
        actions.open(database);
        return report(database);
    }

    private void requireDatabase(String database) {
        if (store.current().database(database).isEmpty()) {
            throw AdminException.unknownDatabase(database);
        }
    }

    private PoolActionView answer(String database, long version) {
        List<ReplicaConfirmations.Applied> applied = confirmations.await(version);
        return new PoolActionView(localReport(database), applied);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private PoolReport report(String database) {
        return reports.pools().stream().filter(p -> p.database().equals(database)).findFirst()
                .orElseThrow(() -> AdminException.unknownDatabase(database));
    }
}
