package io.portcullis.wire;

/**
 * The PostgreSQL wire protocol's vocabulary, in one place: every message type byte (backend and
 * frontend share some letters, so each direction has its own names), the frame layout, Close and
 * Describe target kinds, transaction status bytes, ErrorResponse field codes, authentication request
 * codes, SASL mechanism names and the codes of the untyped startup packets. Nothing else names these
 * values: sets of types are built from these names ({@link FrameTypes}), other packages use them.
 *
 * <p>Limits live beside the decoder that enforces them, each with its reason:
 * {@link FrameDecoder#MIN_FRAME_LENGTH}, {@link FrameDecoder#MAX_AUTH_FRAME_LENGTH},
 * {@link FrameDecoder#MAX_BACKEND_LOGIN_FRAME_LENGTH}, {@link StartupDecoder#MAX_STARTUP_PACKET_LENGTH},
 * {@link StartupDecoder#MIN_CANCEL_KEY_LENGTH} and the others there. SQLSTATEs are {@link SqlState}.
 */
public final class MessageTypes {
    private MessageTypes() {
    }

    // ---- backend (server → client) message types ----
    public static final byte AUTHENTICATION = 'R';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte ROW_DESCRIPTION = 'T';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte BIND_COMPLETE = '2';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte NO_DATA = 'n';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte NOTIFICATION_RESPONSE = 'A';
    public static final byte COPY_IN_RESPONSE = 'G';
    public static final byte COPY_OUT_RESPONSE = 'H';
    public static final byte COPY_BOTH_RESPONSE = 'W';
    public static final byte FUNCTION_CALL_RESPONSE = 'V';

    // ---- frontend (client → server) message types ----
    public static final byte QUERY = 'Q';
    public static final byte PARSE = 'P';
    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte SYNC = 'S';
    public static final byte FLUSH = 'H';
    public static final byte TERMINATE = 'X';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte COPY_FAIL = 'f';
    /** PasswordMessage, and also SASLInitialResponse, SASLResponse and GSSResponse: the type depends on the auth state. */
    public static final byte PASSWORD = 'p';

    // ---- both directions ----
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';

    // ---- Close / Describe target kinds ----
    public static final byte KIND_STATEMENT = 'S';
    public static final byte KIND_PORTAL = 'P';

    // ---- ReadyForQuery transaction status ----
    /** Idle: not in a transaction block; a transaction-mode pool may release the server connection here. */
    public static final byte TX_IDLE = 'I';
    public static final byte TX_IN_TRANSACTION = 'T';
    public static final byte TX_FAILED = 'E';

    // ---- SSLRequest / GSSENCRequest single-byte answers ----
    public static final byte SSL_ACCEPT = 'S';
    public static final byte SSL_REJECT = 'N';

    // ---- ErrorResponse / NoticeResponse field codes ----
    public static final byte FIELD_SEVERITY = 'S';
    /** Severity, never localized (PostgreSQL 9.6+); libpq prefers it to {@link #FIELD_SEVERITY}. */
    public static final byte FIELD_SEVERITY_NONLOCALIZED = 'V';
    public static final byte FIELD_SQLSTATE = 'C';
    public static final byte FIELD_MESSAGE = 'M';
    public static final byte FIELD_DETAIL = 'D';
    public static final byte FIELD_HINT = 'H';
    public static final String SEVERITY_FATAL = "FATAL";
    public static final String SEVERITY_ERROR = "ERROR";

    // ---- Authentication request codes (first int32 of an 'R' body) ----
    public static final int AUTH_OK = 0;
    public static final int AUTH_KERBEROS_V5 = 2;
    public static final int AUTH_CLEARTEXT_PASSWORD = 3;
    public static final int AUTH_MD5_PASSWORD = 5;
    /** Unix-socket credentials; PostgreSQL no longer sends it, but a backend could. */
    public static final int AUTH_SCM_CREDENTIAL = 6;
    public static final int AUTH_GSS = 7;
    public static final int AUTH_GSS_CONTINUE = 8;
    public static final int AUTH_SSPI = 9;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;
    /** The SASL mechanism PostgreSQL offers and Portcullis speaks, both ways. */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    /** SCRAM with channel binding to the TLS connection; Portcullis does not offer it. */
    public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";

    // ---- startup packet codes (second int32 of an untyped startup packet) ----
    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;
    public static final int CANCEL_REQUEST_CODE = 80877102;
    /** Major version 1234 is reserved for the special request codes above; never a real protocol. */
    public static final int SPECIAL_REQUEST_MAJOR = 1234;
    public static final int PROTOCOL_3_0 = 196608;
    public static final int PROTOCOL_3_2 = 196610;
    public static final int PROTOCOL_MAJOR = 3;
    /** Startup parameters with this prefix are protocol extensions, answered by NegotiateProtocolVersion. */
    public static final String PROTOCOL_OPTION_PREFIX = "_pq_.";
    /** First byte of a TLS handshake record: a client that skipped SSLRequest (PostgreSQL 17 direct TLS). */
    public static final byte TLS_HANDSHAKE_RECORD = 0x16;

    // ---- frame layout ----
    /** Type byte plus int32 length: what every message after the startup packet begins with. */
    public static final int HEADER_LENGTH = 5;
}
