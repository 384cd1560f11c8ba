package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The first packet of a connection, as decoded by {@link StartupDecoder}: what the client asks for
 * before any typed message is exchanged.
 */
public sealed interface StartupRequest {

    /** The client asks for TLS; answer {@code S} (then TLS handshake) or {@code N}. */
    record SslRequest() implements StartupRequest {
    }

    /** The client asks for GSSAPI encryption; the gateway answers {@code N}. */
    record GssEncRequest() implements StartupRequest {
    }

    /**
     * A cancel request for another connection, identified by the BackendKeyData the gateway gave it.
     *
     * @param secretKey 4 bytes in protocol 3.0, up to 256 in 3.2; compare in constant time
     */
    record CancelRequest(int processId, Buffer secretKey) implements StartupRequest {
        public CancelRequest {
            Objects.requireNonNull(secretKey, "secretKey");
        }

        @Override
        public String toString() {
            return "CancelRequest[processId=" + processId + ", secretKey=(" + secretKey.length() + " bytes)]";
        }
    }

    /**
     * A login request.
     *
     * @param majorVersion always 3 (anything else is rejected by the decoder)
     * @param minorVersion 0 or 2 today; any value is accepted, the caller negotiates down
     * @param parameters name → value in the order the client sent them, without {@code _pq_.} options
     * @param protocolOptions names of {@code _pq_.} protocol extensions requested; the gateway supports
     *     none, so it lists them in NegotiateProtocolVersion
     */
    record StartupMessage(int majorVersion, int minorVersion, Map<String, String> parameters,
                          List<String> protocolOptions) implements StartupRequest {
        public StartupMessage {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            protocolOptions = List.copyOf(protocolOptions);
        }

        /** The {@code user} parameter; the decoder guarantees it is present and non-empty. */
        public String user() {
            return parameters.get("user");
        }

        /** The {@code database} parameter, or the user name when absent or empty (PostgreSQL's rule). */
        public String database() {
            String database = parameters.get("database");
            return database == null || database.isEmpty() ? user() : database;
        }

        /** This login with its {@code database} parameter replaced (a database chosen by the TLS server name). */
        public StartupMessage withDatabase(String database) {
            Map<String, String> next = new LinkedHashMap<>(parameters);
            next.put("database", database);
            return new StartupMessage(majorVersion, minorVersion, next, protocolOptions);
        }

        /**
         * Whether the gateway must send NegotiateProtocolVersion before anything else: the client asked
         * for a newer minor version than {@code newestMinorSupported}, or for protocol options.
         */
        public boolean needsNegotiation(int newestMinorSupported) {
            return minorVersion > newestMinorSupported || !protocolOptions.isEmpty();
        }
    }

    /**
     * The first byte was a TLS handshake record: the client skipped SSLRequest (PostgreSQL 17
     * {@code sslnegotiation=direct}). The bytes are not consumed: {@link StartupDecoder#remainder()}
     * returns all of them so the caller can feed them to the TLS engine.
     */
    record DirectTls() implements StartupRequest {
    }
}
