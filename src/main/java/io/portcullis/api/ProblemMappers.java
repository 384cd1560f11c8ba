package io.portcullis.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStorageException;
import io.portcullis.config.ConfigStoreUnavailableException;
import io.portcullis.config.VersionConflictException;
import io.portcullis.migrate.PgBouncerSyntaxException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/**
 * Every error of the REST API as {@code application/problem+json} (RFC 9457). Mappers here take
 * precedence over Quarkus's built-in ones (which answer plain text or their own JSON shape).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        return Problems.response(e.type(), e.getMessage(), path(uri));
    }

    /** A configuration the store refused; the message names the field. */
    @ServerExceptionMapper
    public Response invalidConfig(ConfigException e, UriInfo uri) {
        return Problems.response(ProblemType.INVALID_REQUEST, e.getMessage(), path(uri));
    }

    /**
     * A valid change the store could not write (disk full, I/O error): 507, so that clients and
     * operators see "storage", not "bug"; the detail says why and that the previous version stays.
     */
    @ServerExceptionMapper
    public Response storageFailed(ConfigStorageException e, UriInfo uri) {
        return Problems.response(ProblemType.INSUFFICIENT_STORAGE, e.getMessage(), path(uri));
    }

    /** An imported PgBouncer file that PgBouncer itself would not load; the message names file and line. */
    @ServerExceptionMapper
    public Response unreadableImport(PgBouncerSyntaxException e, UriInfo uri) {
        return Problems.response(ProblemType.INVALID_REQUEST, e.getMessage(), path(uri));
    }

    /** Someone else wrote between the caller's {@code If-Match} check and its write. */
    @ServerExceptionMapper
    public Response versionConflict(VersionConflictException e, UriInfo uri) {
        return Problems.response(ProblemType.PRECONDITION_FAILED, e.getMessage(), path(uri));
    }

    /** The shared configuration store cannot be reached; the message says whether anything may have been stored. */
    @ServerExceptionMapper
    public Response storeUnavailable(ConfigStoreUnavailableException e, UriInfo uri) {
        return Problems.response(ProblemType.UNAVAILABLE, e.getMessage(), path(uri));
    }

    /** JSON of the wrong shape: unknown field, wrong type, bad enum value. */
    @ServerExceptionMapper
    public Response badJson(JacksonException e, UriInfo uri) {
        ProblemType type = JsonProblems.isSyntaxError(e) ? ProblemType.MALFORMED_JSON : ProblemType.INVALID_REQUEST;
        return Problems.response(type, JsonProblems.describe(e), path(uri));
    }

    /** Declared separately: Quarkus has its own mapper for exactly this type, which would win otherwise. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    /** Errors the framework raises: unreadable body, unknown path, wrong method or media type. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (e.getCause() instanceof JacksonException json) {
            return badJson(json, uri);
        }
        ProblemType type = ProblemType.forStatus(status);
        String detail = switch (type) {
            case NOT_FOUND -> "there is no resource at " + path(uri);
            case METHOD_NOT_ALLOWED -> "this resource does not support that method";
            case UNSUPPORTED_MEDIA_TYPE -> "send the request body as application/json";
            case NOT_ACCEPTABLE -> "this resource answers application/json only";
            case PAYLOAD_TOO_LARGE -> "the request body is too large";
            case INVALID_REQUEST -> "the request cannot be read";
            default -> ProblemType.title(status);
        };
        Response problem = Problems.response(type, status, detail, path(uri));
        if (original == null) {
            return problem;
        }
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    /** Anything else is our fault: log it under an id, and tell the caller only the id. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s answering %s", errorId, path(uri));
        return Problems.response(ProblemType.INTERNAL,
                "unexpected error; the server log has the details under error id " + errorId, path(uri));
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
