package io.portcullis.api;

import jakarta.ws.rs.core.Response;

/** The kinds of problem the API reports, each with its status and a stable URN clients may switch on. */
enum ProblemType {
    INVALID_REQUEST(400),
    MALFORMED_JSON(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    CONFLICT(409),
    PRECONDITION_FAILED(412),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    INTERNAL(500),
    /** Another replica that had to act (it owns the client session) did not answer over the peer channel. */
    REPLICA_UNREACHABLE(502),
    UNAVAILABLE(503),
    /** A valid configuration change that could not be stored (disk full, I/O error); nothing changed. */
    INSUFFICIENT_STORAGE(507),
    /** Any other HTTP error the framework raises. */
    HTTP_ERROR(0);

    private final int status;

    ProblemType(int status) {
        this.status = status;
    }

    int status() {
        return status;
    }

    String urn() {
        return "urn:portcullis:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status == status && type != MALFORMED_JSON) {
                return type;
            }
        }
        return HTTP_ERROR;
    }

    static String title(int status) {
        if (status == INSUFFICIENT_STORAGE.status) {
            return "Insufficient Storage"; // RFC 4918; not in Response.Status
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }
}
