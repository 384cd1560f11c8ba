package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portcullis.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClientTlsModeTest {

    @Test
    void followsPgBouncerSemantics() {
        // mode: accepts TLS, requires TLS, requires client certificate
        assertFlags(ClientTlsMode.DISABLE, false, false, false);
        assertFlags(ClientTlsMode.ALLOW, true, false, false);
        assertFlags(ClientTlsMode.PREFER, true, false, false);
        assertFlags(ClientTlsMode.REQUIRE, true, true, false);
        assertFlags(ClientTlsMode.VERIFY_CA, true, true, true);
        assertFlags(ClientTlsMode.VERIFY_FULL, true, true, true);
    }

    @Test
    void parsesApiSpelling() {
        assertEquals(ClientTlsMode.VERIFY_FULL, ClientTlsMode.parse("verify-full"));
        assertEquals(ClientTlsMode.REQUIRE, ClientTlsMode.parse("require"));
        assertEquals(ClientTlsMode.VERIFY_CA, ClientTlsMode.of(" VERIFY_CA "));
        assertEquals(ClientTlsMode.PREFER, ClientTlsMode.of("Prefer"));
        assertEquals("verify-full", ClientTlsMode.VERIFY_FULL.wireName());
        for (ClientTlsMode mode : ClientTlsMode.values()) {
            assertEquals(mode, ClientTlsMode.of(mode.wireName()));
        }
    }

    @Test
    void rejectsUnknownModeNamingTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClientTlsMode.of("on"));
        assertEquals("TLS mode must be one of disable, allow, prefer, require, verify-ca, verify-full, not 'on'", e.getMessage());
        assertThrows(ConfigException.class, () -> ClientTlsMode.of(null));
    }

    private static void assertFlags(ClientTlsMode mode, boolean accepts, boolean requires, boolean certificate) {
        assertEquals(accepts, mode.acceptsTls(), mode + " acceptsTls");
        assertEquals(requires, mode.requiresTls(), mode + " requiresTls");
        assertEquals(certificate, mode.requiresClientCertificate(), mode + " requiresClientCertificate");
    }
}
