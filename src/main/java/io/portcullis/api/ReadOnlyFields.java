package io.portcullis.api;

/**
 * Fields the API shows on reads and never takes on writes ({@code passwordSet}, {@code serverKeySet}, the
 * settings' {@code effective} and {@code defaults}). A write that carries one is refused rather than quietly
 * ignored: a client sending {@code "passwordSet": false} must not believe the password is gone.
 */
final class ReadOnlyFields {

    private ReadOnlyFields() {
    }

    /**
     * @param field  the field's name in the body
     * @param value  its value in the body, null when left out
     * @param advice what to send instead
     * @throws ApiProblem 400 naming the field when it was sent
     */
    static void refuse(String field, Object value, String advice) {
        if (value != null) {
            throw ApiProblem.badRequest(field + " is read-only (reads show it) and is not accepted on writes; " + advice);
        }
    }
}
