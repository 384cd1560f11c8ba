package io.portcullis.tls;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two fields of a TLS ClientHello the gateway decides on before any TLS engine sees it: the server name (SNI,
 * RFC 6066 §3) and the ALPN protocols offered (RFC 7301 §3.1). Only an ACME validation offers {@code acme-tls/1}, and it
 * must be answered by another certificate than the listener's ({@link TlsAlpnChallengeRouter}).
 *
 * <p>Netty collects the whole ClientHello across records ({@link io.netty.handler.ssl.SslClientHelloHandler}, bounded
 * in size) but reads no ALPN from it, hence this reader. It reads the body of the handshake message (from
 * {@code client_version} on), never trusts a length past the end of what it was given, and answers "none" for anything
 * malformed: the TLS engine that handles the connection next refuses a malformed hello with a proper alert.
 *
 * @param serverName           the host name asked for, lower case, or null
 * @param applicationProtocols the ALPN protocols offered, in the client's order; empty without ALPN
 */
record ClientHelloFields(String serverName, List<String> applicationProtocols) {

    static final ClientHelloFields NONE = new ClientHelloFields(null, List.of());

    private static final int EXTENSION_SERVER_NAME = 0;
    private static final int EXTENSION_ALPN = 16;
    private static final int SERVER_NAME_HOST = 0;
    /** client_version (2) and random (32). */
    private static final int FIXED_PREFIX = 34;

    ClientHelloFields {
        applicationProtocols = List.copyOf(applicationProtocols);
    }

    /**
     * Reads {@code body} (not moving its indexes).
     *
     * @param body the ClientHello handshake message's body, or null
     */
    static ClientHelloFields read(ByteBuf body) {
        if (body == null) {
            return NONE;
        }
        int at = body.readerIndex();
        int end = body.writerIndex();
        at += FIXED_PREFIX;
        at = skipVector(body, at, end, 1); // session_id
        at = skipVector(body, at, end, 2); // cipher_suites
        at = skipVector(body, at, end, 1); // compression_methods
        if (at < 0 || at + 2 > end) {
            return NONE; // no extensions (or malformed)
        }
        int extensionsEnd = at + 2 + body.getUnsignedShort(at);
        if (extensionsEnd > end) {
            return NONE;
        }
        at += 2;
        String serverName = null;
        List<String> protocols = List.of();
        while (at + 4 <= extensionsEnd) {
            int type = body.getUnsignedShort(at);
            int length = body.getUnsignedShort(at + 2);
            int dataStart = at + 4;
            int dataEnd = dataStart + length;
            if (dataEnd > extensionsEnd) {
                return NONE;
            }
            if (type == EXTENSION_SERVER_NAME && serverName == null) {
                serverName = serverName(body, dataStart, dataEnd);
            } else if (type == EXTENSION_ALPN && protocols.isEmpty()) {
                protocols = protocols(body, dataStart, dataEnd);
            }
            at = dataEnd;
        }
        return new ClientHelloFields(serverName, protocols);
    }

    /** Whether the client offered {@code protocol}. */
    boolean offers(String protocol) {
        return applicationProtocols.contains(protocol);
    }

    /** The index after a vector with a length prefix of {@code lengthBytes}, or -1 when it runs past {@code end}. */
    private static int skipVector(ByteBuf body, int at, int end, int lengthBytes) {
        if (at < 0 || at + lengthBytes > end) {
            return -1;
        }
        int length = lengthBytes == 1 ? body.getUnsignedByte(at) : body.getUnsignedShort(at);
        int next = at + lengthBytes + length;
        return next > end ? -1 : next;
    }

    /** The first host_name of a server_name_list, or null. */
    private static String serverName(ByteBuf body, int at, int end) {
        if (at + 2 > end) {
            return null;
        }
        int listEnd = at + 2 + body.getUnsignedShort(at);
        if (listEnd > end) {
            return null;
        }
        at += 2;
        while (at + 3 <= listEnd) {
            int nameType = body.getUnsignedByte(at);
            int length = body.getUnsignedShort(at + 1);
            int nameStart = at + 3;
            if (nameStart + length > listEnd) {
                return null;
            }
            if (nameType == SERVER_NAME_HOST) {
                return length == 0 ? null : body.toString(nameStart, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            }
            at = nameStart + length;
        }
        return null;
    }

    /** The protocol_name_list, in order; empty when malformed. */
    private static List<String> protocols(ByteBuf body, int at, int end) {
        if (at + 2 > end) {
            return List.of();
        }
        int listEnd = at + 2 + body.getUnsignedShort(at);
        if (listEnd > end) {
            return List.of();
        }
        at += 2;
        List<String> names = new ArrayList<>();
        while (at < listEnd) {
            int length = body.getUnsignedByte(at);
            if (length == 0 || at + 1 + length > listEnd) {
                return List.of();
            }
            names.add(body.toString(at + 1, length, StandardCharsets.US_ASCII));
            at += 1 + length;
        }
        return names;
    }
}
