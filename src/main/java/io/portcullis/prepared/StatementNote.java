package io.portcullis.prepared;

/**
 * What a step of the {@link ResponsePlan} changed, so it can be undone when the backend skips or
 * fails the message.
 *
 * @param clientName the client's statement name the step added or removed, or null
 * @param key        the statement
 * @param serverName the name the step recorded as prepared on the server connection, or null
 */
record StatementNote(String clientName, StatementKey key, String serverName) {
}
