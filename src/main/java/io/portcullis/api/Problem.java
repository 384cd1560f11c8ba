package io.portcullis.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem detail: every error the API answers, as {@code application/problem+json}.
 * {@code detail} is written for a person and names the field or resource at fault; it never holds
 * a secret or a stack trace.
 */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(description = "URN naming the kind of problem", example = "urn:portcullis:problem:invalid-request")
        String type,
        @Schema(description = "HTTP reason phrase", example = "Bad Request")
        String title,
        @Schema(example = "400")
        int status,
        @Schema(description = "what went wrong and what to do", example = "port must be between 1 and 65535, not 70000")
        String detail,
        @Schema(description = "the request path", example = "/api/v1/databases/orders")
        String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
