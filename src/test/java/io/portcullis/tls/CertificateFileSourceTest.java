package io.portcullis.tls;

import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateFileSourceTest {

    @TempDir
    Path dir;

    /** Kubernetes mounts a secret as {@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..<timestamp>}; an update swaps {@code ..data}. */
    private void writeSecretVersion(String version, String certificatePem, String keyPem, String caPem) throws Exception {
        Path versionDir = Files.createDirectories(dir.resolve(".." + version));
        Files.writeString(versionDir.resolve("tls.crt"), certificatePem);
        Files.writeString(versionDir.resolve("tls.key"), keyPem);
        Files.writeString(versionDir.resolve("ca.crt"), caPem);
        Path link = dir.resolve("..data_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, versionDir.getFileName());
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
            if (!Files.exists(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
            }
        }
    }

    private CertificateFileSource source() {
        return new CertificateFileSource(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"), Clock.systemUTC());
    }

    @Test
    void symlinkSwapIsPickedUpAndUnchangedFilesAreNot() throws Exception {
        TestPki.Issued ca = TestPki.ca("File CA");
        Instant now = Instant.now();
        TestPki.Issued first = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued second = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        writeSecretVersion("v1", first.certificatePem(), first.keyPem(), ca.certificatePem());
        CertificateFileSource source = source();

        CertificateFileSource.Contents loaded = source.load();
        assertEquals(first.certificate(), loaded.material().leaf());
        assertEquals(ca.certificate(), loaded.clientCa().certificates().get(0));
        assertEquals(Optional.empty(), source.poll(), "nothing changed");

        writeSecretVersion("v2", second.certificatePem(), second.keyPem(), ca.certificatePem());
        assertEquals(second.certificate(), source.poll().orElseThrow().material().leaf());
        assertEquals(Optional.empty(), source.poll());
    }

    @Test
    void badNewFilesAreReportedOnceThenAGoodFixIsTaken() throws Exception {
        TestPki.Issued ca = TestPki.ca("File CA");
        Instant now = Instant.now();
        TestPki.Issued good = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued other = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        writeSecretVersion("v1", good.certificatePem(), good.keyPem(), ca.certificatePem());
        CertificateFileSource source = source();
        source.load();

        // cert-manager writes the certificate, then (a moment later) the key: in between they do not match.
        Files.writeString(dir.resolve("..v1").resolve("tls.crt"), other.certificatePem());
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class, source::poll);
        assertTrue(e.getMessage().contains("tls.crt") && e.getMessage().contains("does not match"), e.getMessage());
        assertEquals(Optional.empty(), source.poll(), "the same bad content is reported once");

        Files.writeString(dir.resolve("..v1").resolve("tls.key"), other.keyPem());
        assertEquals(other.certificate(), source.poll().orElseThrow().material().leaf());
    }

    @Test
    void clientCaFileAloneAndCertificateWithoutKey() throws Exception {
        TestPki.Issued ca = TestPki.ca("Only CA");
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        CertificateFileSource caOnly = new CertificateFileSource(null, null, dir.resolve("ca.pem"), Clock.systemUTC());
        assertTrue(caOnly.configured());
        CertificateFileSource.Contents contents = caOnly.load();
        assertNull(contents.material());
        assertEquals(1, contents.clientCa().certificates().size());

        assertThrows(CertificateMaterialException.class,
                () -> new CertificateFileSource(dir.resolve("tls.crt"), null, null, Clock.systemUTC()));
    }

    @Test
    void aLeafIsNotAcceptedAsClientCa() throws Exception {
        TestPki.Issued ca = TestPki.ca("CA");
        TestPki.Issued leaf = TestPki.client(ca, "alice");
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class, () -> ClientCa.parse(leaf.certificatePem()));
        assertTrue(e.getMessage().contains("not a CA certificate"), e.getMessage());
    }
}
