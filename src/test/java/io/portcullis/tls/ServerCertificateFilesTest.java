package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateFilesTest {

    @TempDir
    Path dataDir;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Test
    void generatesOnceThenLoadsTheSameCertificate() throws Exception {
        ServerCertificateFiles.Loaded first = ServerCertificateFiles.loadOrCreate(dataDir, "gw.example.com", random, clock);
        assertTrue(first.generated());
        assertTrue(first.detail().startsWith("generated a self-signed certificate for gw.example.com"), first.detail());
        CertificateInfo info = first.material().info();
        assertEquals("CN=gw.example.com", info.subject());
        assertEquals(List.of("gw.example.com", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"), info.subjectAltNames());
        assertEquals(ServerCertificateFiles.SELF_SIGNED_VALIDITY,
                Duration.between(info.notBefore(), info.notAfter()).minus(SelfSignedCertificates.CLOCK_SKEW_ALLOWANCE));

        ServerCertificateFiles.Loaded second = ServerCertificateFiles.loadOrCreate(dataDir, "gw.example.com", random, clock);
        assertFalse(second.generated());
        assertEquals(info.sha256Fingerprint(), second.material().info().sha256Fingerprint());
        assertEquals(first.material().privateKeyPem(), second.material().privateKeyPem());
    }

    @Test
    void keyFileIsOwnerOnlyAndNoTemporaryFilesRemain() throws Exception {
        ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        Path key = ServerCertificateFiles.keyFile(dataDir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        try (Stream<Path> files = Files.list(key.getParent())) {
            assertEquals(List.of("server.crt", "server.key"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void ipHostnameGoesIntoIpSans() {
        CertificateInfo info = ServerCertificateFiles.loadOrCreate(dataDir, "10.1.2.3", random, clock).material().info();
        assertEquals(List.of("localhost", "10.1.2.3", "127.0.0.1", "0:0:0:0:0:0:0:1"), info.subjectAltNames());
    }

    @Test
    void corruptKeyIsReportedAndNeverOverwritten() throws Exception {
        ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        Path key = ServerCertificateFiles.keyFile(dataDir);
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock));
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not overwritten"), e.getMessage());
        assertTrue(Files.readString(key).contains("garbage"));
    }

    @Test
    void aKeyWithoutItsCertificateIsReported() throws Exception {
        ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        Files.delete(ServerCertificateFiles.certificateFile(dataDir));
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock));
        assertTrue(e.getMessage().startsWith("found " + ServerCertificateFiles.keyFile(dataDir)
                + " but not " + ServerCertificateFiles.certificateFile(dataDir)), e.getMessage());
        assertTrue(Files.exists(ServerCertificateFiles.keyFile(dataDir)), "the key is never deleted here");
    }

    @Test
    void aCertificateWithoutKeyIsThePublicCopyAndANewPairIsMade() throws Exception {
        String stored = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock)
                .material().info().sha256Fingerprint();
        ServerCertificateFiles.retireKey(dataDir);
        assertFalse(Files.exists(ServerCertificateFiles.keyFile(dataDir)));
        assertTrue(Files.exists(ServerCertificateFiles.certificateFile(dataDir)), "the public copy stays");

        ServerCertificateFiles.Loaded again = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        assertTrue(again.generated());
        assertNotEquals(stored, again.material().info().sha256Fingerprint());
        assertTrue(Files.exists(ServerCertificateFiles.keyFile(dataDir)));
    }

    @Test
    void thePublicCopyIsReadableByAll() throws Exception {
        String chain = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock).material().certificateChainPem();
        ServerCertificateFiles.retireKey(dataDir);
        Files.delete(ServerCertificateFiles.certificateFile(dataDir));
        ServerCertificateFiles.storePublicCopy(dataDir, chain);
        assertEquals(chain, Files.readString(ServerCertificateFiles.certificateFile(dataDir)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ServerCertificateFiles.certificateFile(dataDir))));
    }

    @Test
    void expiredSelfSignedCertificateIsRenewedAndArchived() throws Exception {
        String before = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock)
                .material().info().sha256Fingerprint();
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
        ServerCertificateFiles.Loaded renewed = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, later);
        assertTrue(renewed.generated());
        assertTrue(renewed.detail().contains("expired"), renewed.detail());
        assertNotEquals(before, renewed.material().info().sha256Fingerprint());
        try (Stream<Path> files = Files.list(ServerCertificateFiles.keyFile(dataDir).getParent())) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().startsWith("server.")).count());
        }
    }

    @Test
    void expiredUploadedCertificateStopsStartup() throws Exception {
        Path work = Files.createDirectory(dataDir.resolve("openssl"));
        OpenSsl.run(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-subj", "/CN=CA", "-days", "3", "-out", "ca.crt");
        OpenSsl.run(work, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "leaf.key", "-subj", "/CN=leaf", "-out", "leaf.csr");
        OpenSsl.run(work, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-out", "leaf.crt");
        ServerCertificateFiles.store(dataDir, TlsMaterial.parse(OpenSsl.read(work, "leaf.crt"), OpenSsl.read(work, "leaf.key")));
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, later));
        assertTrue(e.getMessage().contains("(CN=leaf) expired on"), e.getMessage());
        assertTrue(e.getMessage().startsWith(ServerCertificateFiles.certificateFile(dataDir).toString()), e.getMessage());
    }

    @Test
    void storeReplacesTheStoredPair() {
        ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        TlsMaterial replacement = TestCertificates.localhost();
        ServerCertificateFiles.store(dataDir, replacement);
        ServerCertificateFiles.Loaded loaded = ServerCertificateFiles.loadOrCreate(dataDir, "localhost", random, clock);
        assertFalse(loaded.generated());
        assertEquals(replacement.info().sha256Fingerprint(), loaded.material().info().sha256Fingerprint());
    }
}
