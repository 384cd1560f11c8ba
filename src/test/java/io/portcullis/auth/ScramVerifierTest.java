package io.portcullis.auth;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScramVerifierTest {

    private static final String POSTGRES_VERIFIER = "SCRAM-SHA-256$4096:Ap4sVF7Bn3kMSmpmrf+GNg==$"
            + "Yg3ctuON6o1ID4XS+HpTwXfW60tLGwN6MA/vhEKQfhc=:Rj3FksrEGIsNXJVphQnAHemUAHJ87sWZivZTjTCBaoI=";

    @Test
    void parsesPostgresFormatAndEncodesItBack() {
        ScramVerifier verifier = ScramVerifier.parse(POSTGRES_VERIFIER);
        assertEquals(4096, verifier.iterations());
        assertArrayEquals(Base64.getDecoder().decode("Ap4sVF7Bn3kMSmpmrf+GNg=="), verifier.salt());
        assertArrayEquals(Base64.getDecoder().decode("Yg3ctuON6o1ID4XS+HpTwXfW60tLGwN6MA/vhEKQfhc="), verifier.storedKey());
        assertArrayEquals(Base64.getDecoder().decode("Rj3FksrEGIsNXJVphQnAHemUAHJ87sWZivZTjTCBaoI="), verifier.serverKey());
        assertEquals(POSTGRES_VERIFIER, verifier.encode());
        assertEquals(verifier, ScramVerifier.parse(verifier.encode()));
    }

    @Test
    void parsesWhatPasswordVerifiersMakes() {
        String made = PasswordVerifiers.scramSha256("secret", 5000);
        assertEquals(5000, ScramVerifier.parse(made).iterations());
        assertEquals(made, ScramVerifier.parse(made).encode());
    }

    @Test
    void rejectsMalformedVerifiersWithoutQuotingThem() {
        String[] bad = {"", "md54a0a68b43b6cd5cf266fa02f196e2371", "SCRAM-SHA-256$", "SCRAM-SHA-256$4096:c2FsdA==",
                POSTGRES_VERIFIER.replace("4096", "0"), POSTGRES_VERIFIER.replace("4096", "x"),
                POSTGRES_VERIFIER.replace("Ap4sVF7Bn3kMSmpmrf+GNg==", ""), POSTGRES_VERIFIER.replace("Yg3ctu", "Yg3c!u"),
                POSTGRES_VERIFIER.replace("Yg3ctuON6o1ID4XS+HpTwXfW60tLGwN6MA/vhEKQfhc=", "c2hvcnQ="),
                POSTGRES_VERIFIER + "$extra", POSTGRES_VERIFIER + ":extra"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(text), text);
            assertFalse(!text.isEmpty() && e.getMessage().contains(text), "message quotes the verifier");
        }
    }

    @Test
    void toStringHidesKeysAndArraysAreCopied() {
        ScramVerifier verifier = ScramVerifier.parse(POSTGRES_VERIFIER);
        assertFalse(verifier.toString().contains("Yg3ctu"));
        assertFalse(verifier.toString().contains("Rj3Fks"));
        verifier.storedKey()[0] ^= 1;
        assertEquals(POSTGRES_VERIFIER, verifier.encode());
        assertTrue(ScramVerifier.isScramSha256(POSTGRES_VERIFIER));
        assertFalse(ScramVerifier.isScramSha256(null));
    }
}
