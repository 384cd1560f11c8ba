package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.util.List;

import static io.portcullis.wire.MessageTypes.AUTHENTICATION;

/**
 * The messages the gateway writes to clients as if it were the server. Each method returns a new
 * Buffer holding exactly one whole frame; nothing is shared or cached because Buffers are mutable.
 */
public final class BackendMessages {
    private static final int SQLSTATE_LENGTH = 5;
    private static final int SALT_LENGTH = 4;

    private BackendMessages() {
    }

    /** ErrorResponse with severity ({@code FATAL} or {@code ERROR}), SQLSTATE and message. */
    public static Buffer errorResponse(String severity, SqlState state, String message) {
        return errorResponse(severity, state.code(), message, null);
    }

    /** ErrorResponse with a {@code D} (detail) field as well; {@code detail} may be null. */
    public static Buffer errorResponse(String severity, SqlState state, String message, String detail) {
        return errorResponse(severity, state.code(), message, detail);
    }

    /** ErrorResponse with a SQLSTATE given as its five-character code (e.g. relayed). */
    public static Buffer errorResponse(String severity, String sqlState, String message) {
        return errorResponse(severity, sqlState, message, null);
    }

    /**
     * ErrorResponse: fields S and V (severity), C (SQLSTATE), M (message) and optionally D (detail).
     * NUL characters in texts are replaced, never rejected: reporting an error must not fail.
     */
    public static Buffer errorResponse(String severity, String sqlState, String message, String detail) {
        if (sqlState == null || sqlState.length() != SQLSTATE_LENGTH || !sqlState.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
            throw new IllegalArgumentException("SQLSTATE must be 5 digits or capital letters: " + sqlState);
        }
        return fields(MessageTypes.ERROR_RESPONSE, severity, sqlState, message, detail);
    }

    /** NoticeResponse with severity NOTICE and SQLSTATE 00000: a message that is no error (the console's usage text). */
    public static Buffer noticeResponse(String message, String detail) {
        return fields(MessageTypes.NOTICE_RESPONSE, "NOTICE", "00000", message, detail);
    }

    /** The fields of an ErrorResponse or NoticeResponse, which share their layout. */
    private static Buffer fields(byte type, String severity, String sqlState, String message, String detail) {
        String sev = printable(severity);
        FrameBuilder frame = FrameBuilder.typed(type, 64 + (message == null ? 0 : message.length())
                + (detail == null ? 0 : detail.length()))
                .int8(MessageTypes.FIELD_SEVERITY).cstring(sev, "severity")
                .int8(MessageTypes.FIELD_SEVERITY_NONLOCALIZED).cstring(sev, "severity")
                .int8(MessageTypes.FIELD_SQLSTATE).cstring(sqlState, "SQLSTATE")
                .int8(MessageTypes.FIELD_MESSAGE).cstring(printable(message), "message");
        if (detail != null) {
            frame.int8(MessageTypes.FIELD_DETAIL).cstring(printable(detail), "detail");
        }
        return frame.int8(0).finish();
    }

    /** AuthenticationOk: the login succeeded. */
    public static Buffer authenticationOk() {
        return authentication(MessageTypes.AUTH_OK).finish();
    }

    /** AuthenticationCleartextPassword: the client must send its password in a PasswordMessage. */
    public static Buffer authenticationCleartextPassword() {
        return authentication(MessageTypes.AUTH_CLEARTEXT_PASSWORD).finish();
    }

    /** AuthenticationMD5Password with its 4-byte salt. */
    public static Buffer authenticationMd5Password(byte[] salt4) {
        if (salt4 == null || salt4.length != SALT_LENGTH) {
            throw new IllegalArgumentException("md5 salt must be exactly 4 bytes");
        }
        return authentication(MessageTypes.AUTH_MD5_PASSWORD).bytes(salt4).finish();
    }

    /** AuthenticationSASL listing the mechanisms offered, in order of preference. */
    public static Buffer authenticationSasl(List<String> mechanisms) {
        if (mechanisms.isEmpty()) {
            throw new IllegalArgumentException("at least one SASL mechanism is required");
        }
        FrameBuilder frame = authentication(MessageTypes.AUTH_SASL);
        for (String mechanism : mechanisms) {
            if (mechanism.isEmpty()) {
                throw new IllegalArgumentException("empty SASL mechanism name");
            }
            frame.cstring(mechanism, "SASL mechanism");
        }
        return frame.int8(0).finish();
    }

    /** AuthenticationSASLContinue carrying a server challenge (SCRAM server-first-message). */
    public static Buffer authenticationSaslContinue(byte[] data) {
        return authentication(MessageTypes.AUTH_SASL_CONTINUE).bytes(data).finish();
    }

    /** AuthenticationSASLFinal carrying the server's final message (SCRAM server signature). */
    public static Buffer authenticationSaslFinal(byte[] data) {
        return authentication(MessageTypes.AUTH_SASL_FINAL).bytes(data).finish();
    }

    /** ParameterStatus: a run-time parameter and its value. */
    public static Buffer parameterStatus(String name, String value) {
        return FrameBuilder.typed(MessageTypes.PARAMETER_STATUS, name.length() + value.length() + 2)
                .cstring(name, "parameter name").cstring(value, "parameter value").finish();
    }

    /** BackendKeyData with a 4-byte secret key (protocol 3.0). */
    public static Buffer backendKeyData(int processId, int secretKey) {
        return FrameBuilder.typed(MessageTypes.BACKEND_KEY_DATA, 8).int32(processId).int32(secretKey).finish();
    }

    /** BackendKeyData with a longer secret key (protocol 3.2 allows 4 to 256 bytes). */
    public static Buffer backendKeyData(int processId, byte[] secretKey) {
        if (secretKey.length < StartupDecoder.MIN_CANCEL_KEY_LENGTH
                || secretKey.length > StartupDecoder.MAX_CANCEL_KEY_LENGTH) {
            throw new IllegalArgumentException("cancel key must be 4 to 256 bytes");
        }
        return FrameBuilder.typed(MessageTypes.BACKEND_KEY_DATA, 4 + secretKey.length)
                .int32(processId).bytes(secretKey).finish();
    }

    /** ParseComplete: the answer to a Parse the gateway did not need to forward. */
    public static Buffer parseComplete() {
        return FrameBuilder.typed(MessageTypes.PARSE_COMPLETE, 0).finish();
    }

    /** CloseComplete: the answer to a Close the gateway did not need to forward. */
    public static Buffer closeComplete() {
        return FrameBuilder.typed(MessageTypes.CLOSE_COMPLETE, 0).finish();
    }

    /** ReadyForQuery with transaction status {@code I}, {@code T} or {@code E}. */
    public static Buffer readyForQuery(byte status) {
        if (status != MessageTypes.TX_IDLE && status != MessageTypes.TX_IN_TRANSACTION && status != MessageTypes.TX_FAILED) {
            throw new IllegalArgumentException("transaction status must be I, T or E");
        }
        return FrameBuilder.typed(MessageTypes.READY_FOR_QUERY, 1).int8(status).finish();
    }

    /**
     * NegotiateProtocolVersion: the newest minor version of protocol 3 the gateway speaks, and the
     * {@code _pq_.} options it did not recognise.
     */
    public static Buffer negotiateProtocolVersion(int newestMinorSupported, List<String> unrecognizedOptions) {
        FrameBuilder frame = FrameBuilder.typed(MessageTypes.NEGOTIATE_PROTOCOL_VERSION, 8 + 16 * unrecognizedOptions.size())
                .int32(newestMinorSupported).int32(unrecognizedOptions.size());
        for (String option : unrecognizedOptions) {
            frame.cstring(option, "protocol option");
        }
        return frame.finish();
    }

    /** The single-byte answer to SSLRequest (or GSSENCRequest): {@code S} to start TLS, {@code N} to refuse. */
    public static Buffer sslResponse(boolean accept) {
        return Buffer.buffer(1).appendByte(accept ? MessageTypes.SSL_ACCEPT : MessageTypes.SSL_REJECT);
    }

    private static FrameBuilder authentication(int code) {
        return FrameBuilder.typed(AUTHENTICATION, 16).int32(code);
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }
}
