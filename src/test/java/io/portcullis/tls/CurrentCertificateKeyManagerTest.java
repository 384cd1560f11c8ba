package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link CurrentCertificateKeyManager}: each handshake gets the certificate served at that moment, and a handshake
 * that chose its alias just before a rotation still gets the certificate and key of that alias, which belong together.
 */
class CurrentCertificateKeyManagerTest {

    @Test
    void servesWhatIsCurrentAndKeepsAnAliasTrueAcrossARotation() throws Exception {
        TlsMaterial first = TestCertificates.localhost();
        TlsMaterial second = TestCertificates.localhost();
        AtomicReference<TlsMaterial> served = new AtomicReference<>(first);
        CurrentCertificateKeyManager manager = new CurrentCertificateKeyManager(served::get);
        String keyType = first.key().getAlgorithm();

        String before = manager.chooseEngineServerAlias(keyType, null, null);
        assertEquals(before, manager.chooseServerAlias(keyType, null, (Socket) null), "no rotation, same alias");
        served.set(second);
        String after = manager.chooseEngineServerAlias(keyType, null, null);
        assertNotEquals(before, after);

        assertArrayEquals(second.chain().toArray(X509Certificate[]::new), manager.getCertificateChain(after));
        assertEquals(second.key(), manager.getPrivateKey(after));
        // The handshake that chose before the rotation completes with the first certificate and its own key.
        assertArrayEquals(first.chain().toArray(X509Certificate[]::new), manager.getCertificateChain(before));
        assertEquals(first.key(), manager.getPrivateKey(before));

        assertNull(manager.chooseEngineServerAlias(keyType.equals("EC") ? "RSA" : "EC", null, null), "no key of that type");
        assertNull(manager.getCertificateChain("no such alias"));
        assertNull(manager.getPrivateKey(null));
    }
}
