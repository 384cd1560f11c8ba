package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The messages the gateway writes to backends as if it were the client: its own login (startup,
 * password, SASL), the cleanup of a pooled connection (Close, Sync, Query), Terminate, and the
 * startup-phase requests (CancelRequest, SSLRequest). Each method returns a new Buffer holding one
 * whole message.
 */
public final class FrontendMessages {
    private FrontendMessages() {
    }

    /** StartupMessage for protocol 3.0 with the parameters in map order (include {@code user}). */
    public static Buffer startupMessage(Map<String, String> params) {
        FrameBuilder frame = FrameBuilder.untyped(64).int32(MessageTypes.PROTOCOL_3_0);
        for (Map.Entry<String, String> entry : params.entrySet()) {
            if (entry.getKey().isEmpty()) {
                throw new IllegalArgumentException("empty startup parameter name");
            }
            frame.cstring(entry.getKey(), "startup parameter name").cstring(entry.getValue(), "startup parameter value");
        }
        frame.int8(0);
        if (frame.length() > StartupDecoder.MAX_STARTUP_PACKET_LENGTH) {
            throw new IllegalArgumentException("startup packet longer than " + StartupDecoder.MAX_STARTUP_PACKET_LENGTH
                    + " bytes");
        }
        return frame.finish();
    }

    /** PasswordMessage with a cleartext password or an {@code md5...} hash string. */
    public static Buffer passwordMessage(String password) {
        return FrameBuilder.typed(MessageTypes.PASSWORD, password.length() + 1).cstring(password, "password").finish();
    }

    /**
     * PasswordMessage from raw bytes (already encoded, e.g. UTF-8), NUL terminator added; lets the
     * caller wipe its copy of the password afterwards.
     */
    public static Buffer passwordMessage(byte[] bytes) {
        return FrameBuilder.typed(MessageTypes.PASSWORD, bytes.length + 1).cstring(bytes, "password").finish();
    }

    /** SASLInitialResponse: the chosen mechanism and the client-first-message ({@code null} = none, length -1). */
    public static Buffer saslInitialResponse(String mechanism, byte[] data) {
        FrameBuilder frame = FrameBuilder.typed(MessageTypes.PASSWORD, mechanism.length() + 5 + (data == null ? 0 : data.length))
                .cstring(mechanism, "SASL mechanism");
        if (data == null) {
            frame.int32(-1);
        } else {
            frame.int32(data.length).bytes(data);
        }
        return frame.finish();
    }

    /** SASLResponse: the next client message of the exchange (SCRAM client-final-message). */
    public static Buffer saslResponse(byte[] data) {
        return FrameBuilder.typed(MessageTypes.PASSWORD, data.length).bytes(data).finish();
    }

    /** Close of a prepared statement ({@code 'S'}) or portal ({@code 'P'}) by name. */
    public static Buffer close(byte kind, String name) {
        if (kind != MessageTypes.KIND_STATEMENT && kind != MessageTypes.KIND_PORTAL) {
            throw new IllegalArgumentException("Close kind must be 'S' or 'P'");
        }
        return FrameBuilder.typed(MessageTypes.CLOSE, name.length() + 2).int8(kind).cstring(name, "name").finish();
    }

    /**
     * Parse of a statement the gateway names itself.
     *
     * @param definition the body of a client's Parse after its name: query text, parameter count and
     *                   parameter type OIDs, copied as they are
     */
    public static Buffer parse(String name, Buffer definition) {
        return FrameBuilder.typed(MessageTypes.PARSE, name.length() + 1 + definition.length())
                .cstring(name, "statement name").bytes(definition).finish();
    }

    /**
     * The start of a client message whose statement name the gateway replaces: the type, a length
     * that counts the whole rebuilt message, the body bytes ahead of the name, the new name and its
     * NUL. The message's other {@code restLength} body bytes follow it unchanged, sent by the caller.
     *
     * @param beforeName the body bytes ahead of the name (a Bind's portal name, a Describe's kind)
     */
    public static Buffer renamedHead(byte type, Buffer beforeName, String name, int restLength) {
        return FrameBuilder.typed(type, beforeName.length() + name.length() + 1)
                .bytes(beforeName).cstring(name, "statement name").finishWithRest(restLength);
    }

    /**
     * One statement with text parameters in the extended protocol, unnamed statement and portal: Parse, Bind, Execute
     * (all rows), Sync. The parameters never become part of the SQL text, so no value can change the statement.
     */
    public static Buffer extendedQuery(String sql, List<String> textParameters) {
        Buffer batch = Buffer.buffer(64 + sql.length());
        batch.appendBuffer(FrameBuilder.typed(MessageTypes.PARSE, sql.length() + 4).cstring("", "statement name")
                .cstring(sql, "query").int16(0).finish());
        FrameBuilder bind = FrameBuilder.typed(MessageTypes.BIND, 16).cstring("", "portal name")
                .cstring("", "statement name").int16(0).int16(textParameters.size());
        for (String value : textParameters) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            bind.int32(bytes.length).bytes(bytes);
        }
        batch.appendBuffer(bind.int16(0).finish());
        batch.appendBuffer(FrameBuilder.typed(MessageTypes.EXECUTE, 5).cstring("", "portal name").int32(0).finish());
        batch.appendBuffer(sync());
        return batch;
    }

    /** Sync: ends an extended-query batch; the backend answers ReadyForQuery. */
    public static Buffer sync() {
        return FrameBuilder.typed(MessageTypes.SYNC, 0).finish();
    }

    /** Flush: the backend sends what it holds back until a Sync or Flush; it has no answer of its own. */
    public static Buffer flush() {
        return FrameBuilder.typed(MessageTypes.FLUSH, 0).finish();
    }

    /** Simple Query. */
    public static Buffer query(String sql) {
        return FrameBuilder.typed(MessageTypes.QUERY, sql.length() + 1).cstring(sql, "query").finish();
    }

    /** Terminate: polite close before dropping a server connection. */
    public static Buffer terminate() {
        return FrameBuilder.typed(MessageTypes.TERMINATE, 0).finish();
    }

    /** CancelRequest with a 4-byte key (protocol 3.0), sent on a new connection. */
    public static Buffer cancelRequest(int processId, int secretKey) {
        return FrameBuilder.untyped(12).int32(MessageTypes.CANCEL_REQUEST_CODE).int32(processId).int32(secretKey).finish();
    }

    /** CancelRequest with the key as the backend gave it (4 bytes in 3.0, up to 256 in 3.2). */
    public static Buffer cancelRequest(int processId, Buffer secretKey) {
        if (secretKey.length() < StartupDecoder.MIN_CANCEL_KEY_LENGTH
                || secretKey.length() > StartupDecoder.MAX_CANCEL_KEY_LENGTH) {
            throw new IllegalArgumentException("cancel key must be 4 to 256 bytes");
        }
        return FrameBuilder.untyped(8 + secretKey.length()).int32(MessageTypes.CANCEL_REQUEST_CODE).int32(processId)
                .bytes(secretKey).finish();
    }

    /** SSLRequest: asks the backend to start TLS; it answers one byte, {@code S} or {@code N}. */
    public static Buffer sslRequest() {
        return FrameBuilder.untyped(4).int32(MessageTypes.SSL_REQUEST_CODE).finish();
    }
}
