package io.portcullis.migrate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

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
        @Schema(description = "every line or parameter that was not (fully) imported, in file and line order")
        List<UnmappedLine> unmapped,
        @Schema(description = "client TLS settings found, as Portcullis would set them; not applied")
        TlsSettingsReport tlsSettings) {

    /** Database and user names, sorted. */
    @Schema(name = "ImportedNames")
    public record Names(List<String> databases, List<String> users) {
        public Names {
            databases = List.copyOf(databases);
            users = List.copyOf(users);
        }
    }
}
