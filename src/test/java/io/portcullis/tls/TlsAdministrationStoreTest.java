package io.portcullis.tls;

import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.SecretBox;
import io.portcullis.config.TlsConfig;
import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server certificate kept in the configuration store: the first start moves the data directory's pair into
 * it (key sealed, key file deleted), a second replica on the same store serves that certificate, an install
 * through one replica reaches the other through the change event, a CSR made on one completes on the other, and a
 * replica whose secret key does not open the stored key says so and keeps its own. Runs outside CDI on file
 * stores that share one data directory's {@code config.json}, standing in for a shared store.
 */
class TlsAdministrationStoreTest {

    @TempDir
    Path dir;

    private final byte[] sharedKey = key(1);
    /** Change events, delivered to every replica built here as the shared store delivers them. */
    private final List<TlsAdministration> replicas = new CopyOnWriteArrayList<>();
    private final java.util.Map<Path, FileConfigStore> stores = new java.util.HashMap<>();

    @Test
    void theFirstStartMovesTheCertificateIntoTheStoreAndTheSecondReplicaServesIt() throws Exception {
        Path store = dir.resolve("store");
        TlsAdministration a = replica(store, dir.resolve("a"), sharedKey);
        String served = a.material().info().sha256Fingerprint();

        TlsConfig stored = storeOf(store).current().tls();
        assertTrue(stored.hasCertificate());
        assertEquals(served, stored.certificateSha256());
        assertTrue(stored.sealedCertificateKey().startsWith(SecretBox.PREFIX));
        String document = Files.readString(store.resolve("config.json"));
        assertFalse(document.contains("PRIVATE KEY"), "no key in plain text in the store");
        assertFalse(Files.exists(ServerCertificateFiles.keyFile(dir.resolve("a"))), "the key file is gone");
        assertEquals(a.material().certificateChainPem(),
                Files.readString(ServerCertificateFiles.certificateFile(dir.resolve("a"))), "the public copy stays");

        TlsAdministration b = replica(store, dir.resolve("b"), sharedKey);
        assertEquals(served, b.material().info().sha256Fingerprint(), "replica B serves A's certificate");
        assertEquals(a.material().privateKeyPem(), b.material().privateKeyPem());
        assertFalse(Files.exists(ServerCertificateFiles.keyFile(dir.resolve("b"))));
        assertTrue(b.storedCertificateProblem().isEmpty());
    }

    @Test
    void anInstallThroughOneReplicaIsServedByTheOtherAndACsrCompletesAnywhere() throws Exception {
        Path store = dir.resolve("store");
        TlsAdministration a = replica(store, dir.resolve("a"), sharedKey);
        TlsAdministration b = replica(store, dir.resolve("b"), sharedKey);

        TestPki.Issued ca = TestPki.ca("Store Test CA");
        Instant now = Instant.now();
        TestPki.Issued issued = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TlsMaterial uploaded = TlsMaterial.parse(issued.certificatePem(), issued.keyPem());
        GatewayConfig written = a.installCertificate(uploaded, false, storeOf(store).current().version());
        assertEquals(uploaded.info().sha256Fingerprint(), written.tls().certificateSha256());
        assertEquals(uploaded.info().sha256Fingerprint(), b.material().info().sha256Fingerprint(), "B serves the upload");

        TlsAdministration.CertificateRequest request = b.createCertificateRequest("CN=localhost", List.of("localhost"));
        assertTrue(a.pendingKeyPem().isPresent(), "A sees the key of B's CSR");
        String signed = TestPki.signCsr(ca, request.csrPem());
        TlsMaterial completed = TlsMaterial.parse(signed, a.pendingKeyPem().orElseThrow());
        a.installCertificate(completed, true, ConfigStore.ANY_VERSION);
        assertNull(storeOf(store).current().tls().sealedPendingKey(), "the pending key is gone once used");
        assertEquals(completed.info().sha256Fingerprint(), b.material().info().sha256Fingerprint());
    }

    @Test
    void aNamedCertificateInstalledThroughOneReplicaIsServedByTheOtherAndItsRemovalToo() throws Exception {
        Path store = dir.resolve("store");
        TlsAdministration a = replica(store, dir.resolve("a"), sharedKey);
        TlsAdministration b = replica(store, dir.resolve("b"), sharedKey);
        TestPki.Issued ca = TestPki.ca("Store SNI CA");
        TestPki.Issued issued = TestPki.server(ca, "named", List.of("named.example.test"), List.of());
        TlsMaterial named = TlsMaterial.parse(issued.certificatePem(), issued.keyPem());

        GatewayConfig written = a.installNamedCertificate("named", named, ConfigStore.ANY_VERSION);
        assertEquals(named.info().sha256Fingerprint(), written.tls().namedCertificate("named").orElseThrow().certificateSha256());
        assertFalse(written.tls().namedCertificate("named").orElseThrow().sealedKey().contains("PRIVATE KEY"), "sealed");
        assertEquals(List.of("named"), b.state().named().stream().map(SniCertificate::name).toList(), "B serves it");
        assertEquals(named.privateKeyPem(), b.state().named().get(0).material().privateKeyPem());

        TlsAdministration c = replica(store, dir.resolve("c"), sharedKey);
        assertEquals(List.of("named.example.test"), c.state().named().get(0).dnsNames(), "a replica started later too");
        TlsAdministration stranger = replica(store, dir.resolve("d"), key(2));
        assertTrue(stranger.state().named().isEmpty(), "a replica whose key does not open it leaves it out");

        assertTrue(b.removeNamedCertificate("named", ConfigStore.ANY_VERSION).isPresent());
        assertTrue(a.state().named().isEmpty(), "A stops serving it");
        assertTrue(b.removeNamedCertificate("named", ConfigStore.ANY_VERSION).isEmpty(), "nothing left to remove");
    }

    @Test
    void aReplicaWhoseSecretKeyDoesNotOpenTheStoredKeySaysSoAndKeepsItsOwn() throws Exception {
        Path store = dir.resolve("store");
        TlsAdministration a = replica(store, dir.resolve("a"), sharedKey);
        TlsAdministration stranger = replica(store, dir.resolve("c"), key(2));

        assertNotEquals(a.material().info().sha256Fingerprint(), stranger.material().info().sha256Fingerprint());
        String problem = stranger.storedCertificateProblem().orElseThrow();
        assertTrue(problem.contains(a.material().info().sha256Fingerprint()), problem);
        assertTrue(problem.contains("does not open"), problem);
        assertEquals(a.material().info().sha256Fingerprint(), storeOf(store).current().tls().certificateSha256(),
                "the stranger did not replace the stored certificate");

        // A later install the stranger cannot open either leaves it as it was; one it can clears the problem.
        TestPki.Issued ca = TestPki.ca("Store Test CA 2");
        Instant now = Instant.now();
        TestPki.Issued issued = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        a.installCertificate(TlsMaterial.parse(issued.certificatePem(), issued.keyPem()), false, ConfigStore.ANY_VERSION);
        assertTrue(stranger.storedCertificateProblem().isPresent());
        assertNotEquals(a.material().info().sha256Fingerprint(), stranger.material().info().sha256Fingerprint());
    }

    @Test
    void anEarlierVersionsDataDirectoryMovesInWithItsPendingKey() throws Exception {
        Path store = dir.resolve("store");
        Path data = dir.resolve("a");
        TlsMaterial legacy = ServerCertificateFiles.loadOrCreate(data, "localhost", new SecureRandom(),
                java.time.Clock.systemUTC()).material();
        CertificateRequests.Pending pending = CertificateRequests.generate("CN=pending", List.of("localhost"), new SecureRandom());
        Files.writeString(data.resolve("tls").resolve("pending.key"), pending.privateKeyPem());
        // As an earlier version recorded an install: the fingerprint only.
        storeOf(store).update(ConfigStore.ANY_VERSION,
                c -> c.withTls(c.tls().withCertificate(null, legacy.info().sha256Fingerprint(), null)));

        TlsAdministration a = replica(store, data, sharedKey);
        assertEquals(legacy.info().sha256Fingerprint(), a.material().info().sha256Fingerprint());
        assertTrue(storeOf(store).current().tls().hasCertificate());
        assertEquals(Optional.of(pending.privateKeyPem()), a.pendingKeyPem());
        assertFalse(Files.exists(data.resolve("tls").resolve("pending.key")));
        assertFalse(Files.exists(ServerCertificateFiles.keyFile(data)));
    }

    @Test
    void aReplicaWhoseOldCertificateWasNotTheInstalledOneKeepsItsOwnAndStoresNothing() throws Exception {
        Path store = dir.resolve("store");
        storeOf(store).update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withCertificate(null,
                "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99", null)));
        TlsAdministration a = replica(store, dir.resolve("a"), sharedKey);
        assertFalse(storeOf(store).current().tls().hasCertificate());
        assertTrue(Files.exists(ServerCertificateFiles.keyFile(dir.resolve("a"))), "its key stays where it was");
        assertTrue(a.storedCertificateProblem().isEmpty());
    }

    private TlsAdministration replica(Path storeDir, Path dataDir, byte[] secretKey) throws Exception {
        TlsAdministration tls = new TlsAdministration();
        tls.settings = TestTlsSettings.noFiles();
        tls.store = storeOf(storeDir);
        tls.dataDir = dataDir;
        tls.secrets = new SecretBox(secretKey, new SecureRandom());
        tls.certificateChanges = new IgnoredEvents<>();
        tls.init();
        replicas.add(tls);
        return tls;
    }

    /** One file store per directory, whose writes reach every replica, as a shared store's notifications do. */
    private FileConfigStore storeOf(Path storeDir) {
        Consumer<ConfigChanged> publish = change -> replicas.forEach(r -> r.onConfigChanged(change));
        return stores.computeIfAbsent(storeDir, d -> new FileConfigStore(d, publish));
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        java.util.Arrays.fill(key, (byte) seed);
        return key;
    }
}
