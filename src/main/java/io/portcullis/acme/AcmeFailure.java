package io.portcullis.acme;

/**
 * An order or registration that did not succeed, in words a person can act on; {@link #problem} is the CA's problem
 * document (RFC 7807 JSON) when the CA sent one, for the log. Neither holds a secret.
 */
final class AcmeFailure extends Exception {

    private final String problem;
    private final String domain;

    AcmeFailure(String message, String problem, String domain) {
        super(message, null, false, false);
        this.problem = problem;
        this.domain = domain;
    }

    AcmeFailure(String message, String problem) {
        this(message, problem, null);
    }

    AcmeFailure(String message) {
        this(message, null, null);
    }

    /** The domain the CA could not validate, or null when the failure is not about one domain. */
    String domain() {
        return domain;
    }

    /** The CA's problem document as JSON, or null. */
    String problem() {
        return problem;
    }
}
