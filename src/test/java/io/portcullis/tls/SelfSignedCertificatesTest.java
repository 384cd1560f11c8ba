package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path directory;

    private static PemMaterial generate() {
        return SelfSignedCertificates.generate("db.example.com", List.of("db.example.com", "localhost"),
                List.of("127.0.0.1", "::1"), Duration.ofDays(30), new SecureRandom(), CLOCK);
    }

    private static PemMaterial generateNow() {
        return SelfSignedCertificates.generate("localhost", List.of("localhost"), List.of(), Duration.ofDays(1),
                new SecureRandom());
    }

    @Test
    void roundTripsThroughPemWithSansAndOpensslFingerprint() throws Exception {
        PemMaterial pem = generate();
        assertTrue(pem.certificateChainPem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(pem.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");

        TlsMaterial material = TlsMaterial.parse(pem.certificateChainPem(), pem.privateKeyPem(), null, CLOCK);
        CertificateInfo info = material.info();
        assertEquals("CN=db.example.com", info.subject());
        assertEquals("CN=db.example.com", info.issuer());
        assertEquals(List.of("db.example.com", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"), info.subjectAltNames());
        assertEquals(NOW.minus(SelfSignedCertificates.CLOCK_SKEW_ALLOWANCE), info.notBefore());
        assertEquals(NOW.plus(Duration.ofDays(30)), info.notAfter());
        assertTrue(info.selfSigned());

        Files.writeString(directory.resolve("cert.pem"), pem.certificateChainPem());
        String openssl = OpenSsl.run(directory, "x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256");
        assertEquals(openssl.substring(openssl.indexOf('=') + 1).trim(), info.sha256Fingerprint());
        assertTrue(info.sha256Fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), info.sha256Fingerprint());
    }

    @Test
    void hasServerExtensionsAndEcP256Key() throws Exception {
        PemMaterial pem = generate();
        X509Certificate certificate = TlsMaterial.parse(pem.certificateChainPem(), pem.privateKeyPem(), null, CLOCK).leaf();
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertTrue(certificate.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints critical");
        boolean[] keyUsage = certificate.getKeyUsage();
        assertTrue(keyUsage[0], "digitalSignature");
        for (int i = 1; i < keyUsage.length; i++) {
            assertFalse(keyUsage[i], "only digitalSignature, bit " + i);
        }
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertTrue(certificate.getSerialNumber().bitLength() >= 120, "random serial");
    }

    @Test
    void keyGenerationIsFreshEachTime() {
        PemMaterial first = generateNow();
        PemMaterial second = generateNow();
        assertNotEquals(first.privateKeyPem(), second.privateKeyPem());
        assertNotEquals(first.parse().leaf().getSerialNumber(), second.parse().leaf().getSerialNumber());
    }

    @Test
    void opensslAcceptsTheCertificate() throws Exception {
        PemMaterial pem = generate();
        Files.writeString(directory.resolve("cert.pem"), pem.certificateChainPem());
        Files.writeString(directory.resolve("key.pem"), pem.privateKeyPem());
        String text = OpenSsl.run(directory, "x509", "-in", "cert.pem", "-noout", "-text");
        assertTrue(text.contains("DNS:db.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), text);
        assertTrue(text.contains("TLS Web Server Authentication"), text);
        OpenSsl.run(directory, "pkey", "-in", "key.pem", "-noout");
    }

    @Test
    void rejectsBadInput() {
        SecureRandom random = new SecureRandom();
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.generate(
                "x", List.of(), List.of("not-an-ip"), Duration.ofDays(1), random));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.generate(
                "x", List.of(" spaced"), List.of(), Duration.ofDays(1), random));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.generate(
                "x", List.of(), List.of(), Duration.ZERO, random));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.generate(
                "x".repeat(65), List.of(), List.of(), Duration.ofDays(1), random));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.generate(
                " ", List.of(), List.of(), Duration.ofDays(1), random));
    }

    @Test
    void toStringHidesTheKey() {
        PemMaterial pem = generateNow();
        assertFalse(pem.toString().contains("PRIVATE"));
        assertFalse(pem.parse().toString().contains("PRIVATE"));
    }
}
