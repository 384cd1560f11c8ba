package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS settings in the store: survive a restart, validated, and absent in files written before they existed. */
class TlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void aFileWithoutTlsMeansUnset() throws Exception {
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE),
                "{\"format\":1,\"config\":{\"version\":3,\"databases\":{},\"users\":{},\"tokens\":[]}}");
        FileConfigStore store = new FileConfigStore(dir, change -> { });
        assertEquals(TlsConfig.UNSET, store.current().tls());
        assertEquals(3, store.current().version());
    }

    @Test
    void storedSettingsSurviveARestart() {
        FileConfigStore store = new FileConfigStore(dir, change -> { });
        TlsConfig tls = TlsConfig.UNSET.withSettings("verify-ca", List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"))
                .withClientCaPem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(tls));
        assertEquals(tls, new FileConfigStore(dir, change -> { }).current().tls());
    }

    @Test
    void invalidSettingsAreRefusedWithTheField() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(
                TlsConfig.UNSET.withSettings("sometimes", List.of("TLSv1.1"), List.of("bad cipher")))));
        assertTrue(e.getMessage().contains("mode") && e.getMessage().contains("TLSv1.1")
                && e.getMessage().contains("bad cipher"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(
                TlsConfig.UNSET.withClientCaPem("not pem"))));
    }
}
