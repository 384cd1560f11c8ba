package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the bodies (bytes after type and length) of the few messages the gateway reads. Every
 * method throws {@link ProtocolViolation} on a malformed body.
 *
 * <p>The Parse, Bind, Close and Describe readers read only the leading name fields, so they work on
 * a body captured by {@link FrameScanner} and truncated after the names.
 */
public final class MessageReader {
    private MessageReader() {
    }

    /**
     * ErrorResponse / NoticeResponse fields by code ({@code 'S'}, {@code 'C'}, {@code 'M'}, ...), in
     * wire order. Texts are decoded leniently: they are relayed, not interpreted.
     */
    public static Map<Character, String> errorFields(Buffer body) {
        BodyReader reader = new BodyReader(body, "ErrorResponse");
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            byte code = reader.readByte();
            if (code == 0) {
                break;
            }
            fields.put((char) (code & 0xFF), reader.readCStringLenient());
        }
        reader.expectEnd();
        return Collections.unmodifiableMap(fields);
    }

    /** The {@code M} (message) field, or an empty string when absent. */
    public static String errorMessage(Map<Character, String> fields) {
        return fields.getOrDefault((char) MessageTypes.FIELD_MESSAGE, "");
    }

    /** The {@code C} (SQLSTATE) field, or null when absent. Never classify QuestDB errors by it. */
    public static String errorSqlState(Map<Character, String> fields) {
        return fields.get((char) MessageTypes.FIELD_SQLSTATE);
    }

    /** The severity, non-localized {@code V} preferred over {@code S}; null when both are absent. */
    public static String errorSeverity(Map<Character, String> fields) {
        String severity = fields.get((char) MessageTypes.FIELD_SEVERITY_NONLOCALIZED);
        return severity != null ? severity : fields.get((char) MessageTypes.FIELD_SEVERITY);
    }

    public static ParameterStatus parameterStatus(Buffer body) {
        BodyReader reader = new BodyReader(body, "ParameterStatus");
        ParameterStatus status = new ParameterStatus(reader.readCStringLenient(), reader.readCStringLenient());
        reader.expectEnd();
        return status;
    }

    /** BackendKeyData: process id and a 4 (3.0) to 256 (3.2) byte secret key. */
    public static BackendKeyData backendKeyData(Buffer body) {
        BodyReader reader = new BodyReader(body, "BackendKeyData");
        int processId = reader.readInt();
        int keyLength = reader.remaining();
        if (keyLength < StartupDecoder.MIN_CANCEL_KEY_LENGTH || keyLength > StartupDecoder.MAX_CANCEL_KEY_LENGTH) {
            throw new ProtocolViolation("BackendKeyData secret key has invalid length " + keyLength);
        }
        return new BackendKeyData(processId, reader.readRest());
    }

    /** Authentication: the request code and the bytes after it. */
    public static AuthenticationRequest authentication(Buffer body) {
        BodyReader reader = new BodyReader(body, "Authentication");
        int code = reader.readInt();
        return new AuthenticationRequest(code, reader.readRest());
    }

    /** The mechanism names in an AuthenticationSASL payload ({@link AuthenticationRequest#data()}). */
    public static List<String> saslMechanisms(Buffer data) {
        BodyReader reader = new BodyReader(data, "AuthenticationSASL");
        List<String> mechanisms = new ArrayList<>(2);
        while (true) {
            String mechanism = reader.readCString();
            if (mechanism.isEmpty()) {
                break;
            }
            mechanisms.add(mechanism);
        }
        reader.expectEnd();
        return List.copyOf(mechanisms);
    }

    /** SASLInitialResponse: mechanism and client-first-message (null when the length is -1). */
    public static SaslInitialResponse saslInitialResponse(Buffer body) {
        BodyReader reader = new BodyReader(body, "SASLInitialResponse");
        String mechanism = reader.readCString();
        int length = reader.readInt();
        byte[] data = length == -1 ? null : reader.readBytes(length);
        reader.expectEnd();
        return new SaslInitialResponse(mechanism, data);
    }

    /** ReadyForQuery: the transaction status byte ({@code I}, {@code T} or {@code E}). */
    public static byte readyForQueryStatus(Buffer body) {
        BodyReader reader = new BodyReader(body, "ReadyForQuery");
        byte status = reader.readByte();
        reader.expectEnd();
        if (status != MessageTypes.TX_IDLE && status != MessageTypes.TX_IN_TRANSACTION && status != MessageTypes.TX_FAILED) {
            throw new ProtocolViolation("ReadyForQuery has unknown transaction status " + (status & 0xFF));
        }
        return status;
    }

    /** DataRow: each column's text (UTF-8), null for SQL NULL. */
    public static List<String> dataRowText(Buffer body) {
        BodyReader reader = new BodyReader(body, "DataRow");
        int columns = reader.readShort();
        if (columns < 0) {
            throw new ProtocolViolation("DataRow has a negative column count");
        }
        List<String> values = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            int length = reader.readInt();
            if (length < -1) {
                throw new ProtocolViolation("DataRow column " + i + " has length " + length);
            }
            values.add(length == -1 ? null : new String(reader.readBytes(length), StandardCharsets.UTF_8));
        }
        reader.expectEnd();
        return values;
    }

    /** Parse: the name of the statement it creates (empty = unnamed). */
    public static String parseStatementName(Buffer body) {
        return new BodyReader(body, "Parse").readCString();
    }

    /** Parse: the name of the statement it creates and where it lies (at the start of the body). */
    public static StatementName parseStatement(Buffer body) {
        BodyReader reader = new BodyReader(body, "Parse");
        String name = reader.readCString();
        return new StatementName(name, 0, reader.position() - 1);
    }

    /** Bind: the statement it binds and where that name lies (after the portal name). */
    public static StatementName bindStatement(Buffer body) {
        BodyReader reader = new BodyReader(body, "Bind");
        reader.readCString();
        int start = reader.position();
        String name = reader.readCString();
        return new StatementName(name, start, reader.position() - 1);
    }

    /**
     * Describe or Close: the name after the kind byte and where it lies. Read the kind with
     * {@link #describeTarget} or {@link #closeTarget}.
     *
     * @param message "Describe" or "Close", for error texts
     */
    public static StatementName targetName(Buffer body, String message) {
        BodyReader reader = new BodyReader(body, message);
        reader.readByte();
        String name = reader.readCString();
        return new StatementName(name, 1, reader.position() - 1);
    }

    /** Bind: the portal it creates and the statement it binds. */
    public static BindNames bindNames(Buffer body) {
        BodyReader reader = new BodyReader(body, "Bind");
        String portal = reader.readCString();
        return new BindNames(portal, reader.readCString());
    }

    /** Close: statement or portal, and its name. */
    public static CloseTarget closeTarget(Buffer body) {
        return target(body, "Close");
    }

    /** Describe: statement or portal, and its name (same layout as Close). */
    public static CloseTarget describeTarget(Buffer body) {
        return target(body, "Describe");
    }

    private static CloseTarget target(Buffer body, String message) {
        BodyReader reader = new BodyReader(body, message);
        byte kind = reader.readByte();
        if (kind != MessageTypes.KIND_STATEMENT && kind != MessageTypes.KIND_PORTAL) {
            throw new ProtocolViolation(message + " message has invalid kind " + (kind & 0xFF));
        }
        return new CloseTarget(kind, reader.readCString());
    }
}
