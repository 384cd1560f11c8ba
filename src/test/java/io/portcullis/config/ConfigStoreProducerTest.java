package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which store a start gets: the command-only kind is refused to a gateway, and unknown kinds say what is allowed. */
class ConfigStoreProducerTest {

    @TempDir
    Path dataDir;

    @Test
    void theCommandsOwnStoreKindIsRefusedToAGateway() {
        ConfigException refused = assertThrows(ConfigException.class, () -> new ConfigStoreProducer()
                .configStore(SettingNames.STORE_FILE_IF_PRESENT, dataDir.toString(), true, null, null));
        assertTrue(refused.getMessage().contains("only the copy-store command"), refused.getMessage());
    }

    @Test
    void anUnknownKindNamesTheKindsThereAre() {
        ConfigException refused = assertThrows(ConfigException.class, () -> new ConfigStoreProducer()
                .configStore("sqlite", dataDir.toString(), true, null, null));
        assertTrue(refused.getMessage().contains("file or postgresql"), refused.getMessage());
    }
}
