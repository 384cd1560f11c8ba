package io.portcullis.config;

import io.portcullis.testing.UnboundSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 item 5: stores sealed in the unbound v1 format are bound once at startup; moved values stay shut. */
class SealedSecretsCheckTest {

    private static byte[] key(int fill) {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private static final SecretBox BOX = new SecretBox(key(7), new SecureRandom());

    static DatabaseConfig db(String name, String host, String sealed) {
        return new DatabaseConfig(name, host, 5432, name, "app", sealed, ServerTls.DISABLE, PoolMode.SESSION, 5, 0, 0, 0);
    }

    /** A config.json as a version before the change wrote it: v1 values, one of them under another key. */
    private static FileConfigStore oldStore(Path dir, List<ConfigChanged> events) throws Exception {
        GatewayConfig old = GatewayConfig.EMPTY
                .withDatabase(db("orders", "db1.internal", UnboundSecrets.seal(key(7), "orders-pass")))
                .withDatabase(db("billing", "db2.internal", UnboundSecrets.seal(key(7), "billing-pass")))
                .withDatabase(db("lost", "db3.internal", UnboundSecrets.seal(key(9), "lost-pass")))
                .withDatabase(db("nopass", "db4.internal", null))
                .withVersion(4);
        Files.write(dir.resolve(FileConfigStore.CONFIG_FILE), new ConfigCodec().serialize(old));
        return new FileConfigStore(dir, events::add);
    }

    @Test
    void bindsAnOldFileStoreOnceAndItsPasswordsStillOpen(@TempDir Path dir) throws Exception {
        List<ConfigChanged> events = new ArrayList<>();
        FileConfigStore store = oldStore(dir, events);

        assertEquals(List.of("billing", "orders"), SealedSecretsCheck.bindUnboundSecrets(store, BOX).stream().sorted().toList());
        assertEquals(5, store.current().version(), "one write");
        assertEquals(1, events.size());
        DatabaseConfig orders = store.current().database("orders").orElseThrow();
        assertTrue(orders.sealedPassword().startsWith("v2:"));
        assertEquals("orders-pass", BOX.open(orders.sealedPassword(), SecretBinding.backendPassword(orders)));
        assertEquals("billing-pass", BOX.open(store.current().database("billing").orElseThrow().sealedPassword(),
                SecretBinding.backendPassword(store.current().database("billing").orElseThrow())));
        assertTrue(store.current().database("lost").orElseThrow().sealedPassword().startsWith("v1:"),
                "a value this key cannot open is left for a restored key");
        List<String> problems = SealedSecretsCheck.unreadable(store.current(), BOX);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("database 'lost'") && problems.get(0).contains("unbound format"), problems.toString());

        // The next start finds nothing it can convert and writes nothing.
        FileConfigStore restarted = new FileConfigStore(dir, events::add);
        assertEquals(List.of(), SealedSecretsCheck.bindUnboundSecrets(restarted, BOX));
        assertEquals(5, restarted.current().version());
        String file = Files.readString(dir.resolve(FileConfigStore.CONFIG_FILE), StandardCharsets.UTF_8);
        assertFalse(file.contains("orders-pass") || file.contains("billing-pass"), "still sealed on disk");
    }

    /** A sealed value copied to another database in config.json (to send it to that database's host) does not open. */
    @Test
    void aValueTransplantedBetweenDatabasesInConfigJsonDoesNotOpen(@TempDir Path dir) throws Exception {
        String ordersSealed = BOX.seal("orders-pass", SecretBinding.backendPassword("orders", "db1.internal", 5432, "app"));
        GatewayConfig edited = GatewayConfig.EMPTY
                .withDatabase(db("orders", "db1.internal", ordersSealed))
                .withDatabase(db("attacker", "evil.example", ordersSealed))
                .withVersion(1);
        Files.write(dir.resolve(FileConfigStore.CONFIG_FILE), new ConfigCodec().serialize(edited));
        FileConfigStore store = new FileConfigStore(dir, e -> { });
        List<String> problems = SealedSecretsCheck.unreadable(store.current(), BOX);
        assertEquals(List.of("the backend password of database 'attacker' does not open: it was sealed for another "
                + "database, backend address or user (copied or edited in the stored configuration), under another key "
                + "(was portcullis.secret-key or secret.key changed?), or altered; set it again"), problems);
        assertFalse(problems.toString().contains("orders-pass"));
    }
}
