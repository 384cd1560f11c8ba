package io.portcullis.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** Body of {@code POST /api/v1/import/pgbouncer}: the files' contents, never paths on the server. */
@Schema(name = "PgBouncerImportRequest", description = "The content of pgbouncer.ini and userlist.txt")
public record PgBouncerImportRequest(
        @Schema(required = true, description = "content of pgbouncer.ini",
                example = "[databases]\nquestdb = host=127.0.0.1 port=8812 dbname=qdb user=admin password=quest\n")
        String ini,
        @Schema(writeOnly = true, description = "content of userlist.txt (the file auth_file names, which the server "
                + "never reads itself: without it no users are imported); plain passwords become SCRAM verifiers, md5 "
                + "hashes and SCRAM verifiers are kept", example = "\"alice\" \"alice-secret\"\n")
        String userlist,
        @Schema(description = "content of the files %include lines and server_tls_ca_file, server_tls_cert_file and "
                + "server_tls_key_file name, by the path exactly as written; a file nothing names is reported as unused")
        Map<String, String> includes,
        @Schema(description = "report what would happen and store nothing", defaultValue = "false")
        Boolean dryRun) {

    /** @throws ApiProblem 400 when there is no ini content, or an {@code includes} entry has no content */
    void check() {
        if (ini == null) {
            throw ApiProblem.badRequest("ini is required: the content of pgbouncer.ini");
        }
        if (includes != null) {
            includes.forEach((path, content) -> {
                if (content == null) { // JSON null: Jackson puts it in the map, which the import cannot copy
                    throw ApiProblem.badRequest("includes: the entry '" + path + "' is null; give the file's content "
                            + "as a string (\"\" for an empty file), or leave the entry out");
                }
            });
        }
    }
}
