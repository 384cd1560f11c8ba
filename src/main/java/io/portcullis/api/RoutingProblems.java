package io.portcullis.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpServerResponse;

/**
 * Problem answers written straight to a Vert.x response, for the steps that run before a JAX-RS resource
 * is chosen (the body-size limit, the bearer challenge). Same shape as {@link Problems}.
 */
final class RoutingProblems {

    /** The fields of {@link Problem}, built as a tree: no reflection, so nothing to register for the native image. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private RoutingProblems() {
    }

    /** Sets status, media type and body on {@code response} and ends it. */
    static void end(HttpServerResponse response, ProblemType type, int status, String detail, String instance) {
        ObjectNode problem = JSON.createObjectNode()
                .put("type", type.urn())
                .put("title", ProblemType.title(status))
                .put("status", status)
                .put("detail", detail)
                .put("instance", instance);
        String body;
        try {
            body = JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        response.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }
}
