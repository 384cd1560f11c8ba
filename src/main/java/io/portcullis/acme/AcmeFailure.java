package io.portcullis.acme;

/**
 * An order or registration that did not succeed, in words a person can act on; {@link #problem} is the CA's problem
 * document (RFC 7807 JSON) when the CA sent one, for the log. Neither holds a secret.
 */
final class AcmeFailure extends Exception {

    private final String problem;

    AcmeFailure(String message, String problem) {
        super(message, null, false, false);
        this.problem = problem;
    }

    AcmeFailure(String message) {
        this(message, null);
    }

    /** The CA's problem document as JSON, or null. */
    String problem() {
        return problem;
    }
}
