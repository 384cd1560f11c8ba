package io.portcullis.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/v1/tokens}. */
@Schema(name = "TokenRequest")
public record TokenRequest(
        @Schema(required = true, description = "who holds the token; shown in audit logs", example = "ci-deployer")
        String name,
        @Schema(required = true, description = "admin (read/write) or viewer (read-only)", example = "viewer")
        String role) {
}
