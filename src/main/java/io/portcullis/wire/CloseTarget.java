package io.portcullis.wire;

/**
 * What a Close (or Describe, same layout) message targets.
 *
 * @param kind {@code 'S'} for a prepared statement, {@code 'P'} for a portal
 * @param name empty for the unnamed statement or portal
 */
public record CloseTarget(byte kind, String name) {
    public boolean isStatement() {
        return kind == MessageTypes.KIND_STATEMENT;
    }

    public boolean isPortal() {
        return kind == MessageTypes.KIND_PORTAL;
    }
}
