package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {

    private final SecureRandom random = new SecureRandom();

    private SecretBox box(byte fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, fill);
        return new SecretBox(key, random);
    }

    @Test
    void derivedKeysAreStablePerPurposeAndUnrelatedOtherwise() {
        byte[] mock = box((byte) 1).deriveKey("portcullis/scram-mock-salt/v1");
        assertEquals(32, mock.length);
        assertArrayEquals(mock, box((byte) 1).deriveKey("portcullis/scram-mock-salt/v1"), "same key, same purpose: same bytes (restarts, replicas)");
        assertFalse(java.util.Arrays.equals(mock, box((byte) 1).deriveKey("portcullis/other/v1")), "another purpose");
        assertFalse(java.util.Arrays.equals(mock, box((byte) 2).deriveKey("portcullis/scram-mock-salt/v1")), "another key");
        assertThrows(IllegalArgumentException.class, () -> box((byte) 1).deriveKey(""));
    }

    private static final SecretBinding ORDERS = SecretBinding.backendPassword("orders", "db.internal", 5432, "app");

    @Test
    void sealsAndOpensRoundTrip() {
        SecretBox box = box((byte) 1);
        String clear = "quest-pässwörd with spaces ✓";
        String sealed = box.seal(clear, ORDERS);
        assertTrue(sealed.startsWith("v2:"), sealed);
        assertFalse(sealed.contains("quest"), "ciphertext must not contain the clear text");
        assertEquals(clear, box.open(sealed, ORDERS));
        assertEquals("", box.open(box.seal("", ORDERS), ORDERS));
    }

    @Test
    void twoSealsOfTheSameTextDiffer() {
        SecretBox box = box((byte) 1);
        assertNotEquals(box.seal("quest", ORDERS), box.seal("quest", ORDERS));
    }

    @Test
    void detectsTampering() {
        SecretBox box = box((byte) 1);
        String sealed = box.seal("quest", ORDERS);
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        for (int i : new int[]{0, 12, raw.length - 1}) { // nonce, ciphertext, tag
            byte[] altered = raw.clone();
            altered[i] ^= 0x01;
            String tampered = "v2:" + Base64.getEncoder().encodeToString(altered);
            ConfigException e = assertThrows(ConfigException.class, () -> box.open(tampered, ORDERS));
            assertTrue(e.getMessage().contains("does not open"), e.getMessage());
        }
    }

    /** The value is bound to database, host, port, user and purpose: a change of any one of them and it stays shut. */
    @Test
    void opensOnlyForWhatItWasSealedFor() {
        SecretBox box = box((byte) 1);
        String sealed = box.seal("hunter2-secret", ORDERS);
        for (SecretBinding other : java.util.List.of(
                SecretBinding.backendPassword("billing", "db.internal", 5432, "app"),
                SecretBinding.backendPassword("orders", "evil.example", 5432, "app"),
                SecretBinding.backendPassword("orders", "db.internal", 5433, "app"),
                SecretBinding.backendPassword("orders", "db.internal", 5432, "admin"),
                SecretBinding.serverKey("orders", "db.internal", 5432),
                // Field boundaries are length-prefixed: moving characters between fields is another binding.
                SecretBinding.backendPassword("orders", "db.interna", 5432, "lapp"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> box.open(sealed, other), other.toString());
            assertTrue(e.getMessage().contains("database '" + other.database() + "'")
                    && e.getMessage().contains("sealed for another database"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), "the value is never in a message");
        }
        assertEquals("hunter2-secret", box.open(sealed, ORDERS));
    }

    @Test
    void refusesAnotherKeyAndMalformedValues() {
        String sealed = box((byte) 1).seal("quest", ORDERS);
        assertThrows(ConfigException.class, () -> box((byte) 2).open(sealed, ORDERS));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("quest", ORDERS));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("v2:%%%", ORDERS));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("v2:AAAA", ORDERS));
        assertThrows(ConfigException.class, () -> box((byte) 1).open(null, ORDERS));
    }

    /** Values of the unbound format are not opened for use; only the startup conversion reads them. */
    @Test
    void unboundValuesOpenOnlyForConversion() {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 1);
        String unbound = io.portcullis.testing.UnboundSecrets.seal(key, "quest");
        ConfigException e = assertThrows(ConfigException.class, () -> box((byte) 1).open(unbound, ORDERS));
        assertTrue(e.getMessage().contains("unbound format v1:"), e.getMessage());
        assertEquals("quest", box((byte) 1).openUnbound(unbound));
        assertThrows(ConfigException.class, () -> box((byte) 2).openUnbound(unbound));
    }

    @Test
    void refusesKeysOfTheWrongLength() {
        assertThrows(ConfigException.class, () -> new SecretBox(new byte[16], random));
        ConfigException e = assertThrows(ConfigException.class, () -> SecretKeys.resolve(
                Optional.of(Base64.getEncoder().encodeToString(new byte[16])), Path.of("unused"), random));
        assertTrue(e.getMessage().contains(SettingNames.SECRET_KEY), e.getMessage());
        assertTrue(e.getMessage().contains("not 16"), e.getMessage());
        ConfigException notBase64 = assertThrows(ConfigException.class,
                () -> SecretKeys.resolve(Optional.of("not base64 !"), Path.of("unused"), random));
        assertTrue(notBase64.getMessage().contains("base64"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("not base64 !"), "the key must not be echoed");
    }

    @Test
    void configuredKeyWinsOverTheKeyFile(@TempDir Path dir) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] resolved = SecretKeys.resolve(Optional.of(Base64.getEncoder().encodeToString(key)), dir, random);
        assertArrayEquals(key, resolved);
        assertFalse(Files.exists(dir.resolve(SecretKeys.KEY_FILE)), "no key file when the key is configured");
    }

    @Test
    void generatesAnOwnerOnlyKeyFileOnceAndReusesIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        byte[] first = SecretKeys.resolve(Optional.empty(), data, random);
        Path file = data.resolve(SecretKeys.KEY_FILE);
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        String stored = Files.readString(file, StandardCharsets.US_ASCII).strip();
        assertArrayEquals(first, Base64.getDecoder().decode(stored));
        assertArrayEquals(first, SecretKeys.resolve(Optional.empty(), data, random), "second start reuses the key");
        try (var files = Files.list(data)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void refusesAKeyFileOfTheWrongLength(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(SecretKeys.KEY_FILE), Base64.getEncoder().encodeToString(new byte[31]));
        ConfigException e = assertThrows(ConfigException.class, () -> SecretKeys.resolve(Optional.empty(), dir, random));
        assertTrue(e.getMessage().contains(SecretKeys.KEY_FILE) && e.getMessage().contains("not 31"), e.getMessage());
    }

    @Test
    void findsDatabasesWhoseSecretsDoNotOpen() {
        String mine = box((byte) 1).seal("a", SecretBinding.backendPassword("ok", "h", 1, "u"));
        String theirs = box((byte) 2).seal("b", SecretBinding.backendPassword("lost", "h", 1, "u"));
        String moved = box((byte) 1).seal("c", SecretBinding.backendPassword("ok", "h", 1, "u"));
        GatewayConfig config = GatewayConfig.EMPTY
                .withDatabase(new DatabaseConfig("ok", "h", 1, "ok", "u", mine, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))
                .withDatabase(new DatabaseConfig("lost", "h", 1, "lost", "u", theirs, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))
                .withDatabase(new DatabaseConfig("moved", "h", 1, "moved", "u", moved, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))
                .withDatabase(new DatabaseConfig("none", "h", 1, "none", "u", null, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0));
        java.util.List<String> problems = SealedSecretsCheck.unreadable(config, box((byte) 1));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("the backend password of database 'lost' does not open"), problems.toString());
        assertTrue(problems.get(1).startsWith("the backend password of database 'moved' does not open"), problems.toString());
    }
}
