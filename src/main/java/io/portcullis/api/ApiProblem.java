package io.portcullis.api;

/**
 * An error a resource answers on purpose (unknown resource, stale {@code If-Match}, conflict...).
 * {@link ProblemMappers} turns it into {@code application/problem+json}. No stack trace: it is a
 * response, not a failure.
 */
public final class ApiProblem extends RuntimeException {

    private final ProblemType type;

    ApiProblem(ProblemType type, String detail) {
        super(detail, null, false, false);
        this.type = type;
    }

    ProblemType type() {
        return type;
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(ProblemType.INVALID_REQUEST, detail);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(ProblemType.NOT_FOUND, detail);
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(ProblemType.CONFLICT, detail);
    }

    static ApiProblem replicaUnreachable(String detail) {
        return new ApiProblem(ProblemType.REPLICA_UNREACHABLE, detail);
    }

    static ApiProblem preconditionFailed(String detail) {
        return new ApiProblem(ProblemType.PRECONDITION_FAILED, detail);
    }
}
