package io.portcullis.api;

import io.portcullis.admin.AdminException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Runtime actions that cannot be carried out: unknown database or client 404, wrong state 409. */
public class AdminProblemMappers {

    @ServerExceptionMapper
    public Response adminAction(AdminException e, UriInfo uri) {
        ProblemType type = switch (e.kind()) {
            case UNKNOWN_DATABASE, UNKNOWN_CLIENT -> ProblemType.NOT_FOUND;
            case WRONG_STATE -> ProblemType.CONFLICT;
        };
        return Problems.response(type, e.getMessage(), uri == null ? null : uri.getRequestUri().getRawPath());
    }
}
