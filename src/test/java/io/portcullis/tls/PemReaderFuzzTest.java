package io.portcullis.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the certificate and key import path of the TLS API ({@code PUT /tls/certificate},
 * {@code PUT /tls/client-ca}, the watched certificate files): {@link PemReader} and what is built on
 * it, {@link TlsMaterial#parse} and {@link ClientCa#parse}.
 *
 * <p>Invariants: only {@link CertificateMaterialException} escapes, with a message for a person;
 * what is returned keeps its guarantees (a chain of at most {@link PemReader#MAX_CHAIN_LENGTH}, CA
 * certificates only in a client CA).
 *
 * <p>Input: one selector byte, then text (UTF-8, as the JSON API receives it). Selector bits 0-2 pick
 * the entry point: 0 chain, 1 key, 2 key with passphrase {@value #PASSPHRASE}, 3 client CA, 4 chain and
 * key (split at the first NUL) as one {@link TlsMaterial}. Bit 3 set: the text is DER bytes instead,
 * wrapped in a PEM block labelled by bits 4-6 ({@link #LABELS}), so the fuzzer reaches the ASN.1
 * parsers without having to learn base64. Regression inputs:
 * {@code src/test/resources/io/portcullis/tls/PemReaderFuzzTestInputs/certificateImport/}.
 */
class PemReaderFuzzTest {

    static final String PASSPHRASE = "fuzz";
    /** Block labels for DER input: every kind {@link PemReader} recognises, and two it must refuse. */
    static final List<String> LABELS = List.of("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY", "EC PARAMETERS", "PUBLIC KEY", "CERTIFICATE REQUEST");
    private static final int DER_FLAG = 0x08;
    /** A fixed "now" inside the validity of the seed certificates, so that regression runs never age. */
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @FuzzTest
    void certificateImport(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (selector & 0x07) {
                case 0 -> {
                    List<?> chain = PemReader.certificates(text(payload, selector, "CERTIFICATE"));
                    assertFalse(chain.isEmpty());
                    assertTrue(chain.size() <= PemReader.MAX_CHAIN_LENGTH);
                }
                case 1 -> assertNotNull(PemReader.privateKey(text(payload, selector, "PRIVATE KEY"), null));
                case 2 -> assertNotNull(PemReader.privateKey(text(payload, selector, "ENCRYPTED PRIVATE KEY"),
                        PASSPHRASE.toCharArray()));
                case 3 -> ClientCa.parse(text(payload, selector, "CERTIFICATE")).certificates()
                        .forEach(ca -> assertTrue(ca.getBasicConstraints() >= 0, "a client CA that is not a CA"));
                default -> {
                    int nul = indexOfNul(payload);
                    byte[] chain = nul < 0 ? payload : Arrays.copyOfRange(payload, 0, nul);
                    byte[] key = nul < 0 ? new byte[0] : Arrays.copyOfRange(payload, nul + 1, payload.length);
                    TlsMaterial material = TlsMaterial.parse(text(chain, selector & ~0x70, "CERTIFICATE"),
                            text(key, selector & ~0x70 | 0x10, "PRIVATE KEY"), PASSPHRASE.toCharArray(), NOW);
                    assertNotNull(material.info().sha256Fingerprint());
                }
            }
        } catch (CertificateMaterialException refused) {
            assertNotNull(refused.getMessage());
            assertFalse(refused.getMessage().isBlank());
        }
    }

    /** The payload as the API would see it: UTF-8 text, or DER bytes in a PEM block. */
    private static String text(byte[] payload, int selector, String defaultLabel) {
        if ((selector & DER_FLAG) == 0) {
            return new String(payload, StandardCharsets.UTF_8);
        }
        String label = (selector & 0x70) == 0 ? defaultLabel : LABELS.get((selector >> 4) & 0x07);
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(payload)
                + "\n-----END " + label + "-----\n";
    }

    private static int indexOfNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
