package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.portcullis.wire.MessageTypes.CANCEL_REQUEST_CODE;
import static io.portcullis.wire.MessageTypes.GSSENC_REQUEST_CODE;
import static io.portcullis.wire.MessageTypes.PROTOCOL_MAJOR;
import static io.portcullis.wire.MessageTypes.PROTOCOL_OPTION_PREFIX;
import static io.portcullis.wire.MessageTypes.SPECIAL_REQUEST_MAJOR;
import static io.portcullis.wire.MessageTypes.SSL_REQUEST_CODE;
import static io.portcullis.wire.MessageTypes.TLS_HANDSHAKE_RECORD;

/**
 * Decodes the untyped startup packets a client sends first (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage) from chunks of any size, and recognises a direct TLS ClientHello.
 *
 * <p>Use: call {@link #offer(Buffer)} with every chunk read; it returns a request once a whole packet
 * is buffered, else null. Bytes after that packet stay buffered: {@link #poll()} decodes the next one
 * (after answering {@code N} to an SSLRequest, the StartupMessage follows), {@link #remainder()} takes
 * them out. A client that pipelines plaintext bytes behind an SSLRequest must not have them used once
 * TLS is accepted (CVE-2021-23214): check {@link #buffered()} is 0 before answering {@code S}.
 *
 * <p>The length is validated as soon as its 4 bytes arrive, so an oversized packet is rejected
 * without buffering it. After a {@link ProtocolViolation} the decoder must not be used again.
 * Not thread-safe; one per connection, on its event loop.
 */
public final class StartupDecoder {
    /**
     * PostgreSQL's own limit (MAX_STARTUP_PACKET_LENGTH in pqcomm.h); a longer packet is a protocol
     * violation, refused from its length field alone so that nothing more of it is buffered.
     */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10_000;
    /**
     * Length field plus request code: the smallest startup packet, and the exact length of
     * SSLRequest and GSSENCRequest.
     */
    public static final int MIN_STARTUP_PACKET_LENGTH = 8;
    /**
     * Cancel keys are 4 bytes in protocol 3.0 and up to 256 bytes in 3.2. A backend's BackendKeyData
     * is held to the same bounds ({@link MessageReader#backendKeyData}): a key a client could not send
     * back here would cancel nothing.
     */
    public static final int MIN_CANCEL_KEY_LENGTH = 4;
    public static final int MAX_CANCEL_KEY_LENGTH = 256;

    private Buffer pending = Buffer.buffer(64);

    /** Appends {@code chunk} and returns the next whole request, or null if more bytes are needed. */
    public StartupRequest offer(Buffer chunk) {
        pending.appendBuffer(chunk);
        return poll();
    }

    /** Decodes the next request from bytes already buffered, or returns null if incomplete. */
    public StartupRequest poll() {
        int available = pending.length();
        if (available == 0) {
            return null;
        }
        if (pending.getByte(0) == TLS_HANDSHAKE_RECORD) {
            // A startup length starting with 0x16 would exceed 10,000, so this is unambiguous.
            return new StartupRequest.DirectTls();
        }
        if (available < 4) {
            return null;
        }
        int length = pending.getInt(0);
        if (length < MIN_STARTUP_PACKET_LENGTH) {
            throw new ProtocolViolation("invalid length of startup packet: " + length);
        }
        if (length > MAX_STARTUP_PACKET_LENGTH) {
            throw new ProtocolViolation("startup packet too long: " + length + " bytes, at most "
                    + MAX_STARTUP_PACKET_LENGTH + " allowed");
        }
        if (available < length) {
            return null;
        }
        StartupRequest request = decode(pending, length);
        pending = pending.getBuffer(length, available);
        return request;
    }

    /** Number of bytes received and not yet decoded. */
    public int buffered() {
        return pending.length();
    }

    /**
     * Returns and clears the bytes received but not decoded: bytes pipelined after the last request,
     * or, after {@link StartupRequest.DirectTls}, every byte received since the last decoded request.
     */
    public Buffer remainder() {
        Buffer rest = pending;
        pending = Buffer.buffer(64);
        return rest;
    }

    private static StartupRequest decode(Buffer packet, int length) {
        int code = packet.getInt(4);
        switch (code) {
            case SSL_REQUEST_CODE:
                requireLength(length, MIN_STARTUP_PACKET_LENGTH, "SSLRequest");
                return new StartupRequest.SslRequest();
            case GSSENC_REQUEST_CODE:
                requireLength(length, MIN_STARTUP_PACKET_LENGTH, "GSSENCRequest");
                return new StartupRequest.GssEncRequest();
            case CANCEL_REQUEST_CODE:
                return decodeCancel(packet, length);
            default:
                return decodeStartup(packet, length, code);
        }
    }

    private static void requireLength(int length, int expected, String what) {
        if (length != expected) {
            throw new ProtocolViolation("invalid " + what + " length: " + length);
        }
    }

    private static StartupRequest decodeCancel(Buffer packet, int length) {
        int keyLength = length - 12;
        if (keyLength < MIN_CANCEL_KEY_LENGTH || keyLength > MAX_CANCEL_KEY_LENGTH) {
            throw new ProtocolViolation("invalid CancelRequest length: " + length);
        }
        return new StartupRequest.CancelRequest(packet.getInt(8), packet.getBuffer(12, length));
    }

    private static StartupRequest decodeStartup(Buffer packet, int length, int code) {
        int major = code >>> 16;
        int minor = code & 0xFFFF;
        if (major == SPECIAL_REQUEST_MAJOR) {
            throw new ProtocolViolation("unknown startup request code " + major + "." + minor);
        }
        if (major != PROTOCOL_MAJOR) {
            throw new ProtocolViolation("unsupported frontend protocol " + major + "." + minor
                    + ": server supports 3.0 to 3.2");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> options = new ArrayList<>(0);
        int position = 8;
        while (true) {
            int nameEnd = WireStrings.indexOfNul(packet, position, length);
            if (nameEnd < 0) {
                throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
            }
            if (nameEnd == position) {
                position++;
                break;
            }
            String name = WireStrings.decodeStrict(packet, position, nameEnd, "startup parameter name");
            int valueEnd = WireStrings.indexOfNul(packet, nameEnd + 1, length);
            if (valueEnd < 0) {
                throw new ProtocolViolation("startup parameter \"" + name + "\" has no NUL-terminated value");
            }
            String value = WireStrings.decodeStrict(packet, nameEnd + 1, valueEnd, "startup parameter value");
            position = valueEnd + 1;
            if (name.startsWith(PROTOCOL_OPTION_PREFIX)) {
                options.add(name);
            } else if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolViolation("startup parameter \"" + name + "\" given twice");
            }
        }
        if (position != length) {
            throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
        }
        String user = parameters.get("user");
        if (user == null || user.isEmpty()) {
            throw new ProtocolViolation("no user name specified in startup packet");
        }
        return new StartupRequest.StartupMessage(major, minor, parameters, options);
    }
}
