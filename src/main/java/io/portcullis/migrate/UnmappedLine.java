package io.portcullis.migrate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A line, or one parameter of a line, that the import could not carry over (or carried over only in
 * part), and why. Secret values are never shown.
 *
 * @param file   the file the line is in
 * @param line   1-based line number; 0 when the finding is about the whole file (an included file no
 *               {@code %include} names) or about a default that no line sets
 * @param key    the setting, database or connection parameter at fault
 * @param value  its value, or {@code (hidden)} for a secret, or null
 * @param reason what Portcullis did instead, and what the operator can do
 */
@Schema(name = "UnmappedLine", description = "A line of the PgBouncer files that was not (fully) imported, and why")
public record UnmappedLine(
        @Schema(example = "pgbouncer.ini") String file,
        @Schema(example = "14", description = "1-based; 0 when the finding is about a whole file or about a default "
                + "no line sets") int line,
        @Schema(example = "server_reset_query") String key,
        @Schema(example = "DISCARD ALL") String value,
        @Schema(example = "Portcullis resets server connections itself") String reason) {
}
