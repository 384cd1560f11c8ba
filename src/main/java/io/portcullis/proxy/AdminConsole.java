package io.portcullis.proxy;

import io.vertx.core.buffer.Buffer;

import java.util.Map;

/**
 * The admin console as the wire gateway sees it. A client whose startup packet names the console's
 * database logs in like any other (same TLS rules, same authentication); an admin user then gets a
 * console session instead of a pool. Implemented by {@code io.portcullis.admin}; a CDI bean
 * implementing it is picked up by {@link GatewayServer}, so the gateway knows nothing of the
 * commands.
 */
public interface AdminConsole {

    /** No console: every database name is looked up in the configuration. */
    AdminConsole NONE = new AdminConsole() {
        @Override
        public boolean opens(String database) {
            return false;
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of();
        }

        @Override
        public Connection open(ConsoleClient client) {
            throw new IllegalStateException("there is no admin console");
        }
    };

    /** Whether a startup packet naming this database asks for the console. */
    boolean opens(String database);

    /** The ParameterStatus set a console client gets after AuthenticationOk. */
    Map<String, String> parameters();

    /**
     * An authenticated admin opened the console; the greeting (ParameterStatus, BackendKeyData,
     * ReadyForQuery) has been written. Called on the client's event loop.
     */
    Connection open(ConsoleClient client);

    /** One console session, fed on its client's event loop. */
    interface Connection {
        /** Bytes from the client; a {@link io.portcullis.wire.ProtocolViolation} ends the session with 08P01. */
        void onData(Buffer chunk);

        /** The client is gone (or was ended); nothing may be written any more. */
        void closed();
    }
}
