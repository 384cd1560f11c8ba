package io.portcullis.observe;

import io.portcullis.tls.SelfSignedCertificates;
import io.portcullis.tls.TlsMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateValidityTest {

    private static final Duration WARNING = Duration.ofDays(14);
    private static TlsMaterial thirtyDays;

    @BeforeAll
    static void generate() {
        thirtyDays = SelfSignedCertificates.generate("localhost", List.of("localhost"), List.of(),
                Duration.ofDays(30), new SecureRandom()).parse();
    }

    @Test
    void freshCertificateIsValidAndNotExpiringSoon() {
        CertificateValidity v = CertificateValidity.of(thirtyDays.chain(), Instant.now(), WARNING);
        assertTrue(v.valid());
        assertFalse(v.expiresSoon());
        assertNull(v.problem());
        assertEquals(thirtyDays.leaf().getNotAfter().toInstant(), v.notAfter());
        assertTrue(v.timeLeft().toDays() >= 29, v.timeLeft().toString());
    }

    @Test
    void insideTheWarningPeriodItIsValidButExpiringSoon() {
        Instant twentyDaysOn = Instant.now().plus(Duration.ofDays(20));
        CertificateValidity v = CertificateValidity.of(thirtyDays.chain(), twentyDaysOn, WARNING);
        assertTrue(v.valid());
        assertTrue(v.expiresSoon());
    }

    @Test
    void afterNotAfterItIsInvalidAndSaysWhy() {
        Instant later = Instant.now().plus(Duration.ofDays(31));
        CertificateValidity v = CertificateValidity.of(thirtyDays.chain(), later, WARNING);
        assertFalse(v.valid());
        assertFalse(v.expiresSoon(), "an expired certificate is not 'expiring soon', it is down");
        assertNotNull(v.problem());
        assertTrue(v.problem().contains("expired"), v.problem());
        assertTrue(v.timeLeft().isNegative());
    }

    @Test
    void beforeNotBeforeItIsInvalid() {
        Instant earlier = Instant.now().minus(Duration.ofDays(2));
        CertificateValidity v = CertificateValidity.of(thirtyDays.chain(), earlier, WARNING);
        assertFalse(v.valid());
        assertTrue(v.problem().contains("not valid before"), v.problem());
    }

    @Test
    void noCertificateIsInvalid() {
        assertFalse(CertificateValidity.of(List.of(), Instant.now(), WARNING).valid());
    }
}
