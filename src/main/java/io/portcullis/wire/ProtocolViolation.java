package io.portcullis.wire;

/**
 * The peer sent bytes that are not valid PostgreSQL protocol. The message is meant for the client
 * (it goes into a FATAL ErrorResponse with SQLSTATE {@code 08P01}) and never contains secrets or raw
 * payload bytes. After this is thrown the connection must be closed: framing is lost.
 *
 * <p>No stack trace is captured: a violation is an expected outcome of bad input (scanners, fuzzers,
 * an HTTP client on the PG port), and a stack walk per bad connection is wasted work.
 */
public final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }

    public ProtocolViolation(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** Always {@link SqlState#PROTOCOL_VIOLATION}. */
    public SqlState sqlState() {
        return SqlState.PROTOCOL_VIOLATION;
    }
}
