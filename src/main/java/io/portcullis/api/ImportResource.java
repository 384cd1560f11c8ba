package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.migrate.ImportReport;
import io.portcullis.migrate.ImportSources;
import io.portcullis.migrate.PgBouncerImporter;
import io.smallrye.common.annotation.Blocking;
import io.portcullis.config.ConfigStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
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
 * {@code /api/v1/import}: migration from other poolers. The import hashes clear-text passwords
 * (slow on purpose) and writes the store, hence {@link Blocking}. Only the files' contents are
 * accepted; the server's own files are never read on a caller's behalf.
 */
@Path("/api/v1/import")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "import", description = "Migration from PgBouncer")
public class ImportResource {

    private final PgBouncerImporter importer;
    private final ConfigStore store;
    private final Audit audit;

    @Inject
    public ImportResource(PgBouncerImporter importer, ConfigStore store, Audit audit) {
        this.importer = importer;
        this.store = store;
        this.audit = audit;
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("pgbouncer")
    @StoresConfiguration
    @Operation(operationId = "importPgBouncer", summary = "Import a PgBouncer configuration",
            description = "Creates or replaces the databases of [databases] (with the pool settings of their line, "
                    + "of their server user's [users] line and of [pgbouncer]) and the users of the userlist (plain "
                    + "passwords become SCRAM-SHA-256 verifiers, md5 hashes stay md5 unless auth_type is scram-sha-256, "
                    + "SCRAM verifiers stay SCRAM), and stores PgBouncer's process-wide timeouts and limits as "
                    + "/api/v1/settings overrides, all in one configuration version. server_tls_* gives every imported database "
                    + "its backend TLS (the files they name are taken from includes). Every line "
                    + "that could not be mapped is reported with its file, line and the reason. Client TLS settings are "
                    + "reported with how to apply them, not applied. With dryRun nothing is stored.")
    @APIResponse(responseCode = "200", description = "imported (or, with dryRun, what an import would do)",
            headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = ImportReport.class)))
    @APIResponse(responseCode = "400", description = "a file PgBouncer itself would not load (detail names file and line), "
            + "an includes entry without content, an import that moves a database without its password, "
            + "or an import that would make the configuration invalid")
    public Response importPgBouncer(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                    @RequestBody(content = @Content(examples = @ExampleObject(name = "dry-run",
                                            summary = "what importing one database and one user would do",
                                            value = "{\"ini\": \"[databases]\\nquestdb = host=10.0.0.7 port=8812 dbname=qdb "
                                                    + "user=admin password=quest\\n[pgbouncer]\\npool_mode = transaction\\n\", "
                                                    + "\"userlist\": \"\\\"alice\\\" \\\"alice-secret\\\"\\n\", \"dryRun\": true}")))
                                    PgBouncerImportRequest body) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"ini\", \"userlist\", \"includes\", \"dryRun\"}");
        }
        body.check();
        boolean dryRun = Boolean.TRUE.equals(body.dryRun());
        long expected = EntityTags.expectedVersion(ifMatch, store.current(), true);
        ImportReport report = importer.run(ImportSources.sent(body.ini(), body.userlist(), body.includes()), dryRun, expected);
        boolean stored = !dryRun && !(report.created().databases().isEmpty() && report.updated().databases().isEmpty()
                && report.created().users().isEmpty() && report.updated().users().isEmpty() && report.settings().isEmpty());
        if (stored) {
            // An import that mapped nothing stores nothing (the importer skips the write): no audit line for it.
            audit.write("imported a PgBouncer configuration (databases created "
                    + report.created().databases() + ", replaced " + report.updated().databases() + "; users created "
                    + report.created().users() + ", replaced " + report.updated().users() + "; settings set "
                    + report.settings().keySet() + "; "
                    + report.unmapped().size() + " lines not mapped)", report.version());
        }
        return Response.ok(report).tag(new EntityTag(Long.toString(report.version()))).build();
    }
}
