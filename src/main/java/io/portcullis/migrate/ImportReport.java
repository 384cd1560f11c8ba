package io.portcullis.migrate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of an import, for the API and the command line alike. Names only: it never holds a
 * password, hash or verifier.
 */
@Schema(name = "PgBouncerImportReport", description = "What an import of pgbouncer.ini and userlist.txt created, "
        + "updated, and could not map")
public record ImportReport(
        @Schema(description = "true when nothing was stored")
        boolean dryRun,
        @Schema(description = "configuration version after the import (the current one for a dry run)")
        long version,
        @Schema(description = "resources that did not exist before")
        Names created,
        @Schema(description = "existing resources that were replaced")
        Names updated,
        @Schema(description = "settings the import stores as /api/v1/settings overrides (PgBouncer's process-wide "
                + "timeouts and limits), written as that API writes them; the other overrides stay as they were",
                example = "{\"maxClientConnections\": 500, \"queryWaitTimeout\": \"60s\"}")
        Map<String, Object> settings,
        @Schema(description = "databases created (or kept) out of service, with why: a database line without user= "
                + "waits for its backend credentials, given by PUT /api/v1/databases/{name}")
        List<DisabledDatabase> disabled,
        @Schema(description = "every line or parameter that was not (fully) imported, in file and line order")
        List<UnmappedLine> unmapped,
        @Schema(description = "client TLS settings found, as Portcullis would set them; not applied")
        TlsSettingsReport tlsSettings) {

    public ImportReport {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        disabled = List.copyOf(disabled);
    }

    /** A database the import left out of service, and the reason {@code GET /api/v1/databases/{name}} shows too. */
    @Schema(name = "ImportedDisabledDatabase")
    public record DisabledDatabase(String database, String reason) {
    }

    /** Database and user names, sorted. */
    @Schema(name = "ImportedNames")
    public record Names(List<String> databases, List<String> users) {
        public Names {
            databases = List.copyOf(databases);
            users = List.copyOf(users);
        }
    }
}
