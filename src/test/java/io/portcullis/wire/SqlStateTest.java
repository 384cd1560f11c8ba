package io.portcullis.wire;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlStateTest {
    @Test
    void codesAreTheDocumentedOnes() {
        assertEquals("00000", SqlState.SUCCESSFUL_COMPLETION.code());
        assertEquals("08P01", SqlState.PROTOCOL_VIOLATION.code());
        assertEquals("08006", SqlState.CONNECTION_FAILURE.code());
        assertEquals("08001", SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION.code());
        assertEquals("08000", SqlState.CONNECTION_EXCEPTION.code());
        assertEquals("28000", SqlState.INVALID_AUTHORIZATION_SPECIFICATION.code());
        assertEquals("28P01", SqlState.INVALID_PASSWORD.code());
        assertEquals("3D000", SqlState.INVALID_CATALOG_NAME.code());
        assertEquals("53300", SqlState.TOO_MANY_CONNECTIONS.code());
        assertEquals("57P01", SqlState.ADMIN_SHUTDOWN.code());
        assertEquals("57014", SqlState.QUERY_CANCELED.code());
        assertEquals("0A000", SqlState.FEATURE_NOT_SUPPORTED.code());
        assertEquals("XX000", SqlState.INTERNAL_ERROR.code());
        assertEquals("53400", SqlState.CONFIGURATION_LIMIT_EXCEEDED.code());
        assertEquals("57P05", SqlState.IDLE_SESSION_TIMEOUT.code());
        assertEquals("57P03", SqlState.CANNOT_CONNECT_NOW.code());
    }

    @Test
    void codesAreUniqueAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (SqlState state : SqlState.values()) {
            assertTrue(state.code().matches("[0-9A-Z]{5}"), state.name());
            assertTrue(seen.add(state.code()), "duplicate " + state.code());
        }
    }

    @Test
    void protocolViolationCarries08P01() {
        ProtocolViolation violation = new ProtocolViolation("bad");
        assertEquals("bad", violation.getMessage());
        assertEquals(SqlState.PROTOCOL_VIOLATION, violation.sqlState());
    }
}
