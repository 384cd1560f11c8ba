package io.portcullis.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.config.ApiToken;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A management API token as listed: its name and role. {@code token} is present only in the answer
 * to the request that created it; it cannot be read again.
 */
@Schema(name = "Token")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(
        String name,
        String role,
        @Schema(description = "the token itself; only in the answer to its creation", nullable = true)
        String token) {

    static TokenView of(ApiToken token) {
        return new TokenView(token.name(), token.role(), null);
    }
}
