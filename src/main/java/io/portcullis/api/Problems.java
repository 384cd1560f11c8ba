package io.portcullis.api;

import jakarta.ws.rs.core.Response;

/** Builds problem responses; the one place that knows their media type and shape. */
final class Problems {

    private Problems() {
    }

    static Response response(ProblemType type, int status, String detail, String instance) {
        Problem problem = new Problem(type.urn(), ProblemType.title(status), status, detail, instance);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    static Response response(ProblemType type, String detail, String instance) {
        return response(type, type.status(), detail, instance);
    }
}
