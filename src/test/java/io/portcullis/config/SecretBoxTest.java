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

    @Test
    void sealsAndOpensRoundTrip() {
        SecretBox box = box((byte) 1);
        String clear = "quest-pässwörd with spaces ✓";
        String sealed = box.seal(clear);
        assertTrue(sealed.startsWith("v1:"), sealed);
        assertFalse(sealed.contains("quest"), "ciphertext must not contain the clear text");
        assertEquals(clear, box.open(sealed));
        assertEquals("", box.open(box.seal("")));
    }

    @Test
    void twoSealsOfTheSameTextDiffer() {
        SecretBox box = box((byte) 1);
        assertNotEquals(box.seal("quest"), box.seal("quest"));
    }

    @Test
    void detectsTampering() {
        SecretBox box = box((byte) 1);
        String sealed = box.seal("quest");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        for (int i : new int[]{0, 12, raw.length - 1}) { // nonce, ciphertext, tag
            byte[] altered = raw.clone();
            altered[i] ^= 0x01;
            String tampered = "v1:" + Base64.getEncoder().encodeToString(altered);
            ConfigException e = assertThrows(ConfigException.class, () -> box.open(tampered));
            assertTrue(e.getMessage().contains("does not open"), e.getMessage());
        }
    }

    @Test
    void refusesAnotherKeyAndMalformedValues() {
        String sealed = box((byte) 1).seal("quest");
        assertThrows(ConfigException.class, () -> box((byte) 2).open(sealed));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("quest"));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("v1:%%%"));
        assertThrows(ConfigException.class, () -> box((byte) 1).open("v1:AAAA"));
        assertThrows(ConfigException.class, () -> box((byte) 1).open(null));
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
    void findsDatabasesWhosePasswordsAnotherKeySealed() {
        String mine = box((byte) 1).seal("a");
        String theirs = box((byte) 2).seal("b");
        GatewayConfig config = GatewayConfig.EMPTY
                .withDatabase(new DatabaseConfig("ok", "h", 1, "ok", "u", mine, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))
                .withDatabase(new DatabaseConfig("lost", "h", 1, "lost", "u", theirs, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))
                .withDatabase(new DatabaseConfig("none", "h", 1, "none", "u", null, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0));
        assertEquals(java.util.List.of("lost"), SealedSecretsCheck.unreadable(config, box((byte) 1)));
    }
}
