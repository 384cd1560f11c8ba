package io.portcullis.api;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ETags, conditional reads ({@code If-None-Match}) and conditional writes ({@code If-Match}) for configuration
 * resources.
 *
 * <p>The ETag of every resource is the version of the whole configuration it was read from
 * ({@code "42"}, strong). One counter for everything keeps the scheme simple and safe: a write
 * with {@code If-Match} succeeds only if nothing at all changed since the caller's read, so it can
 * never overwrite a change it has not seen. The price is an occasional needless 412 when someone
 * changed another resource in between; the client reads again and retries.
 */
final class EntityTags {

    private EntityTags() {
    }

    static EntityTag of(GatewayConfig config) {
        return new EntityTag(Long.toString(config.version()));
    }

    /**
     * The answer to a GET of what {@code view} makes from {@code config}: 304 when the request's
     * {@code If-None-Match} names the configuration's version (the view is then not made), else 200 with the view;
     * both with the ETag.
     *
     * @throws ApiProblem 412 for a GET with an {@code If-Match} that names another version (RFC 9110 §13.1.1)
     */
    static Response read(Request request, GatewayConfig config, Supplier<?> view) {
        EntityTag tag = of(config);
        Response.ResponseBuilder precondition = request.evaluatePreconditions(tag);
        if (precondition == null) {
            return Response.ok(view.get()).tag(tag).build();
        }
        Response answer = precondition.tag(tag).build();
        if (answer.getStatus() == Response.Status.NOT_MODIFIED.getStatusCode()) {
            return answer;
        }
        throw ApiProblem.preconditionFailed("If-Match does not match the current ETag \"" + config.version() + "\""
                + ": the configuration changed since it was read");
    }

    /** Whether the request carries an {@code If-Match} precondition at all. */
    static boolean present(String ifMatch) {
        return ifMatch != null && !ifMatch.isBlank();
    }

    /**
     * The version a write must be based on, for {@link io.portcullis.config.ConfigStore#update}.
     *
     * @param ifMatch        the {@code If-Match} header, or null
     * @param current        the snapshot the caller sees now
     * @param resourceExists whether the target resource exists in {@code current}
     * @return {@link ConfigStore#ANY_VERSION} without a precondition, else the current version
     * @throws ApiProblem 412 when no listed tag is current (weak tags never match, RFC 9110 §13.1.1)
     */
    static long expectedVersion(String ifMatch, GatewayConfig current, boolean resourceExists) {
        if (!present(ifMatch)) {
            return ConfigStore.ANY_VERSION;
        }
        if (!resourceExists) {
            throw ApiProblem.preconditionFailed("If-Match was sent, but the resource does not exist");
        }
        String value = ifMatch.strip();
        if (value.equals("*")) {
            return ConfigStore.ANY_VERSION;
        }
        String currentTag = "\"" + current.version() + "\"";
        for (String tag : split(value)) {
            if (tag.equals(currentTag)) {
                return current.version();
            }
        }
        throw ApiProblem.preconditionFailed("If-Match " + value + " does not match the current ETag "
                + currentTag + ": the configuration changed since it was read; read it again and retry");
    }

    /**
     * Inside a store update: a write with {@code If-Match} whose resource is gone (deleted after
     * {@link #expectedVersion} looked, by a write that {@code If-Match: *} let through) fails with 412, as it would
     * have had it come first.
     *
     * @param existing the resource as the update sees it, or null
     * @param what     the resource, for the detail: {@code database 'orders'}
     */
    static void requireExisting(String ifMatch, Object existing, String what) {
        if (existing == null && present(ifMatch)) {
            throw ApiProblem.preconditionFailed("If-Match was sent, but " + what + " does not exist");
        }
    }

    private static List<String> split(String header) {
        List<String> tags = new ArrayList<>();
        for (String part : header.split(",")) {
            String tag = part.strip();
            if (!tag.isEmpty()) {
                tags.add(tag);
            }
        }
        return tags;
    }
}
