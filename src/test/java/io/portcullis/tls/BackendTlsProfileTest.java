package io.portcullis.tls;

import io.portcullis.config.ServerTls;
import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each serverTls mode trusts and checks, and the process-wide default CA (portcullis.server-tls.ca-file). */
class BackendTlsProfileTest {

    @Test
    void eachModeTrustsAndChecksWhatLibpqDoes() throws Exception {
        String ca = TestPki.ca("Profile CA").certificatePem();
        BackendTlsDefaults none = BackendTlsDefaults.none();

        BackendTlsProfile prefer = BackendTlsProfile.of("d", ServerTls.PREFER, null, null, null, none);
        assertTrue(prefer.trustAll() && !prefer.verifyHostName());
        BackendTlsProfile require = BackendTlsProfile.of("d", ServerTls.REQUIRE, null, null, null, none);
        assertTrue(require.trustAll());
        BackendTlsProfile requireWithCa = BackendTlsProfile.of("d", ServerTls.REQUIRE, ca, null, null, none);
        assertFalse(requireWithCa.trustAll(), "require with a serverCa checks the chain, as libpq with a root certificate");
        BackendTlsProfile verifyCa = BackendTlsProfile.of("d", ServerTls.VERIFY_CA, ca, null, null, none);
        assertTrue(!verifyCa.trustAll() && !verifyCa.verifyHostName());
        BackendTlsProfile verifyFull = BackendTlsProfile.of("d", ServerTls.VERIFY_FULL, ca, null, null, none);
        assertTrue(!verifyFull.trustAll() && verifyFull.verifyHostName());

        CertificateMaterialException nothingToTrust = assertThrows(CertificateMaterialException.class,
                () -> BackendTlsProfile.of("orders", ServerTls.VERIFY_FULL, null, null, null, none));
        assertTrue(nothingToTrust.getMessage().contains("database 'orders': serverTls verify-full needs the CA certificates")
                && nothingToTrust.getMessage().contains(BackendTlsDefaults.CA_FILE), nothingToTrust.getMessage());

        BackendTlsProfile system = BackendTlsProfile.of("d", ServerTls.VERIFY_CA, null, null, null, BackendTlsDefaults.system());
        assertTrue(system.trustSystem() && !system.trustAll());
        BackendTlsDefaults file = BackendTlsDefaults.of(BackendCa.parse(ca, "test"));
        assertEquals(file.ca().orElseThrow(), BackendTlsProfile.of("d", ServerTls.VERIFY_FULL, null, null, null, file).ca());
        assertNull(BackendTlsProfile.of("d", ServerTls.REQUIRE, null, null, null, file).ca(),
                "the default CA is for verify-* only; require checks only a database's own serverCa");
    }

    @Test
    void theDefaultCaComesFromAFileOrTheSystemStoreAndABadFileStopsStartup(@TempDir Path dir) throws Exception {
        assertFalse(new BackendTlsDefaults(Optional.empty()).isSet());
        assertTrue(new BackendTlsDefaults(Optional.of("system")).trustsSystem());
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TestPki.ca("File CA").certificatePem());
        assertEquals(1, new BackendTlsDefaults(Optional.of(ca.toString())).ca().orElseThrow().certificates().size());

        CertificateMaterialException missing = assertThrows(CertificateMaterialException.class,
                () -> new BackendTlsDefaults(Optional.of(dir.resolve("nope.pem").toString())));
        assertTrue(missing.getMessage().startsWith(BackendTlsDefaults.CA_FILE) && missing.getMessage().contains("cannot be read"),
                missing.getMessage());
        Path key = dir.resolve("key.pem");
        Files.writeString(key, TestPki.ca("Key").keyPem());
        CertificateMaterialException notCertificates = assertThrows(CertificateMaterialException.class,
                () -> new BackendTlsDefaults(Optional.of(key.toString())));
        assertTrue(notCertificates.getMessage().contains("holds a private key"), notCertificates.getMessage());
    }
}
