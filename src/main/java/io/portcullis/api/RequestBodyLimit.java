package io.portcullis.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared body exceeds {@code quarkus.http.limits.max-body-size} with
 * {@code 413 application/problem+json}, like every other API error, before any of the body is read.
 * Quarkus enforces the same limit a step later (its route at order {@value #QUARKUS_LIMIT_ORDER}) with an
 * empty 413; this route runs just before it. A chunked body without a length still meets Quarkus's
 * own check as it streams in.
 */
@ApplicationScoped
public class RequestBodyLimit {

    /** The order of Quarkus's own body-size route ({@code HttpServerCommonHandlers.enforceMaxBodySize}). */
    static final int QUARKUS_LIMIT_ORDER = -2;
    static final String SETTING = "quarkus.http.limits.max-body-size";
    private static final int STATUS = 413;

    private final ObjectMapper json = new ObjectMapper();
    private final long maxBodyBytes;

    public RequestBodyLimit(@ConfigProperty(name = SETTING, defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(QUARKUS_LIMIT_ORDER - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        long declared = declaredLength(request.getHeader(HttpHeaderNames.CONTENT_LENGTH));
        if (declared <= maxBodyBytes) {
            context.next();
            return;
        }
        // The fields of Problem, built as a tree: no reflection, so nothing to register for the native image.
        ObjectNode problem = json.createObjectNode()
                .put("type", ProblemType.PAYLOAD_TOO_LARGE.urn())
                .put("title", ProblemType.title(STATUS))
                .put("status", STATUS)
                .put("detail", "the request body is " + declared + " bytes; at most " + maxBodyBytes
                        + " are accepted (" + SETTING + ")")
                .put("instance", request.path());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        // The client may still be sending the body: close afterwards rather than read it.
        context.response().setStatusCode(STATUS)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaderNames.CONNECTION, "close")
                .end(body);
    }

    /** The Content-Length header as a number; -1 when absent or not a number (Vert.x refuses those anyway). */
    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
