package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and validation of chains and keys, with keys made by openssl in every common form. */
class TlsMaterialTest {

    @TempDir
    Path dir;

    /** An RSA key in PKCS#1 form and a self-signed certificate for it, made by openssl. */
    private void rsaPkcs1() throws Exception {
        OpenSsl.run(dir, "genrsa", "-traditional", "-out", "rsa1.pem", "2048");
        OpenSsl.run(dir, "req", "-x509", "-new", "-key", "rsa1.pem", "-subj", "/CN=rsa.example", "-days", "2",
                "-addext", "subjectAltName=DNS:rsa.example", "-out", "rsa.crt");
    }

    @Test
    void acceptsRsaPkcs1() throws Exception {
        rsaPkcs1();
        String key = OpenSsl.read(dir, "rsa1.pem");
        assertTrue(key.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        TlsMaterial material = TlsMaterial.parse(OpenSsl.read(dir, "rsa.crt"), key);
        assertEquals("RSA", material.key().getAlgorithm());
        assertEquals(List.of("rsa.example"), material.info().subjectAltNames());
        assertTrue(material.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "normalised to PKCS#8");
        assertVertxLoads(material);
    }

    @Test
    void acceptsRsaPkcs8() throws Exception {
        rsaPkcs1();
        OpenSsl.run(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.pem", "-out", "rsa8.pem");
        String key = OpenSsl.read(dir, "rsa8.pem");
        assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----"));
        TlsMaterial material = TlsMaterial.parse(OpenSsl.read(dir, "rsa.crt"), key);
        assertEquals("CN=rsa.example", material.info().subject());
    }

    @Test
    void acceptsEcSec1WithParametersBlock() throws Exception {
        OpenSsl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.pem");
        OpenSsl.run(dir, "req", "-x509", "-new", "-key", "ec.pem", "-subj", "/CN=ec.example", "-days", "2", "-out", "ec.crt");
        String key = OpenSsl.read(dir, "ec.pem");
        assertTrue(key.contains("-----BEGIN EC PARAMETERS-----") && key.contains("-----BEGIN EC PRIVATE KEY-----"));
        TlsMaterial material = TlsMaterial.parse(OpenSsl.read(dir, "ec.crt"), key);
        // "EC" from the JDK's provider, "ECDSA" if a BouncyCastle provider were registered (the app
        // registers none since it stopped registering it through quarkus-security): the same key either way.
        assertTrue(java.util.Set.of("EC", "ECDSA").contains(material.key().getAlgorithm()), material.key().getAlgorithm());
        assertVertxLoads(material);
    }

    @Test
    void acceptsCombinedKeyAndCertificateFileAsKey() throws Exception {
        rsaPkcs1();
        String chain = OpenSsl.read(dir, "rsa.crt");
        TlsMaterial material = TlsMaterial.parse(chain, chain + OpenSsl.read(dir, "rsa1.pem"));
        assertEquals("CN=rsa.example", material.info().subject());
    }

    @Test
    void encryptedKeyNeedsPassphrase() throws Exception {
        rsaPkcs1();
        OpenSsl.run(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:s3cret", "-in", "rsa1.pem", "-out", "enc8.pem");
        OpenSsl.run(dir, "rsa", "-aes256", "-traditional", "-passout", "pass:s3cret", "-in", "rsa1.pem", "-out", "enc1.pem");
        String chain = OpenSsl.read(dir, "rsa.crt");
        Clock now = Clock.systemUTC();
        for (String file : List.of("enc8.pem", "enc1.pem")) {
            String key = OpenSsl.read(dir, file);
            CertificateMaterialException missing = assertThrows(CertificateMaterialException.class,
                    () -> TlsMaterial.parse(chain, key));
            assertEquals("the private key is encrypted; supply it decrypted or with a passphrase", missing.getMessage());
            CertificateMaterialException wrong = assertThrows(CertificateMaterialException.class,
                    () -> TlsMaterial.parse(chain, key, "wrong".toCharArray(), now));
            assertTrue(wrong.getMessage().contains("passphrase"), wrong.getMessage());
            TlsMaterial material = TlsMaterial.parse(chain, key, "s3cret".toCharArray(), now);
            assertTrue(material.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"), file);
        }
    }

    @Test
    void aPassphraseForAKeyThatIsNotEncryptedIsRefused() throws Exception {
        rsaPkcs1();
        String chain = OpenSsl.read(dir, "rsa.crt");
        String key = OpenSsl.read(dir, "rsa1.pem");
        CertificateMaterialException refused = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(chain, key, "s3cret".toCharArray(), Clock.systemUTC()));
        assertEquals("a passphrase was given, but the private key is not encrypted; leave the passphrase out",
                refused.getMessage());
        assertEquals("CN=rsa.example", TlsMaterial.parse(chain, key, null, Clock.systemUTC()).info().subject());
    }

    @Test
    void rejectsKeyOfAnotherCertificate() {
        TlsMaterial one = TestCertificates.localhost();
        TlsMaterial other = TestCertificates.localhost();
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(one.certificateChainPem(), other.privateKeyPem()));
        assertEquals("the private key does not match the certificate (CN=localhost); supply the key the certificate was issued for",
                e.getMessage());
    }

    @Test
    void rejectsRsaKeyForEcCertificate() throws Exception {
        rsaPkcs1();
        TlsMaterial ec = TestCertificates.localhost();
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(ec.certificateChainPem(), OpenSsl.read(dir, "rsa1.pem")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void checksChainOrder() throws Exception {
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-subj", "/CN=Test CA", "-days", "3", "-out", "ca.crt");
        OpenSsl.run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "leaf.key", "-subj", "/CN=leaf.example", "-out", "leaf.csr");
        OpenSsl.run(dir, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", "leaf.crt");
        String leaf = OpenSsl.read(dir, "leaf.crt");
        String ca = OpenSsl.read(dir, "ca.crt");
        String key = OpenSsl.read(dir, "leaf.key");

        TlsMaterial material = TlsMaterial.parse(leaf + ca, key);
        assertEquals(2, material.chain().size());
        assertEquals("CN=Test CA", material.info().issuer());
        assertTrue(!material.info().selfSigned());

        CertificateMaterialException reversed = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(ca + leaf, key));
        assertEquals("the private key belongs to certificate #2 in the chain (CN=leaf.example), not the first one;"
                + " list the server certificate first", reversed.getMessage());

        String unrelated = TestCertificates.localhost().certificateChainPem();
        CertificateMaterialException stray = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(leaf + unrelated, key));
        assertTrue(stray.getMessage().startsWith("certificate #2 (CN=localhost) did not issue certificate #1 (CN=leaf.example)"),
                stray.getMessage());
    }

    @Test
    void rejectsExpiredAndNotYetValid() {
        PemMaterial pem = SelfSignedCertificates.generate("localhost", List.of("localhost"), List.of(),
                Duration.ofDays(1), new SecureRandom());
        TlsMaterial material = pem.parse();
        Instant notAfter = material.info().notAfter();
        Clock later = Clock.fixed(notAfter.plusSeconds(1), ZoneOffset.UTC);
        CertificateMaterialException expired = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(pem.certificateChainPem(), pem.privateKeyPem(), null, later));
        assertEquals("the certificate (CN=localhost) expired on " + notAfter, expired.getMessage());

        Clock earlier = Clock.fixed(material.info().notBefore().minusSeconds(1), ZoneOffset.UTC);
        CertificateMaterialException early = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(pem.certificateChainPem(), pem.privateKeyPem(), null, earlier));
        assertTrue(early.getMessage().startsWith("the certificate (CN=localhost) is not valid until "), early.getMessage());
    }

    @Test
    void explainsMissingOrBrokenPem() {
        TlsMaterial good = TestCertificates.localhost();
        String key = good.privateKeyPem();
        String chain = good.certificateChainPem();
        assertMessage("the certificate chain is empty", "", key);
        assertMessage("no certificate found: expected a '-----BEGIN CERTIFICATE-----' block", "just some text", key);
        assertMessageStarts("the certificate chain is not valid PEM: ",
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", key);
        assertMessageStarts("the certificate chain is not valid PEM: ", chain.replace("-----END CERTIFICATE-----", ""), key);
        assertMessage("the certificate chain holds a private key; it must hold only CERTIFICATE blocks, the server certificate first",
                chain + key, key);
        assertMessageStarts("no private key found", chain, chain);
        assertMessage("the private key PEM holds 2 private keys; supply only the key of the server certificate",
                chain, key + TestCertificates.localhost().privateKeyPem());
        assertMessageStarts("the private key is not valid PEM: ", chain,
                "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
    }

    @Test
    void rejectsUnsupportedKeyType() throws Exception {
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-subj", "/CN=ed",
                "-days", "2", "-out", "ed.crt");
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class,
                () -> TlsMaterial.parse(OpenSsl.read(dir, "ed.crt"), OpenSsl.read(dir, "ed.key")));
        assertTrue(e.getMessage().endsWith("key; only RSA and EC keys are supported"), e.getMessage());
    }

    @Test
    void rejectsOversizedInput() {
        String huge = "x".repeat(PemReader.MAX_PEM_CHARS + 1);
        assertMessageStarts("the certificate chain is " + huge.length() + " characters", huge, "");
    }

    private static void assertMessage(String expected, String chain, String key) {
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class, () -> TlsMaterial.parse(chain, key));
        assertEquals(expected, e.getMessage());
    }

    private static void assertMessageStarts(String prefix, String chain, String key) {
        CertificateMaterialException e = assertThrows(CertificateMaterialException.class, () -> TlsMaterial.parse(chain, key));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    /** The normalised PEM must be loadable by Vert.x's own PEM reader, which serves it. */
    private static void assertVertxLoads(TlsMaterial material) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            KeyManagerFactory factory = new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(material.certificateChainPem()))
                    .setKeyValue(Buffer.buffer(material.privateKeyPem()))
                    .getKeyManagerFactory(vertx);
            assertEquals(1, factory.getKeyManagers().length);
        } finally {
            vertx.close();
        }
    }
}
