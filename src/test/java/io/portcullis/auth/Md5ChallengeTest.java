package io.portcullis.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Md5ChallengeTest {

    /** What PostgreSQL 15 stored for CREATE ROLE alice PASSWORD 'secret' with password_encryption=md5. */
    private static final String POSTGRES_MD5 = "md54a0a68b43b6cd5cf266fa02f196e2371";
    private static final byte[] SALT = {1, 2, 3, 4};
    /** "md5" + md5(hex(md5("secretalice")) + 01020304), computed with Python's hashlib. */
    private static final String RESPONSE = "md598a0412b9c31436fc53776e863350083";

    @Test
    void storedHashMatchesPostgres() {
        assertEquals(POSTGRES_MD5, PasswordVerifiers.md5("alice", "secret"));
    }

    @Test
    void respondsLikeAPostgresClient() {
        assertEquals(RESPONSE, Md5Challenge.respond("alice", "secret", SALT));
        assertEquals("md53e1d73ba00a55e8805aa0277d29996c5",
                Md5Challenge.respond("alice", "secret", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
    }

    @Test
    void verifiesTheRightResponseOnly() {
        assertTrue(Md5Challenge.verify(POSTGRES_MD5, SALT, RESPONSE));
        assertFalse(Md5Challenge.verify(POSTGRES_MD5, new byte[] {1, 2, 3, 5}, RESPONSE), "other salt");
        assertFalse(Md5Challenge.verify(POSTGRES_MD5, SALT, Md5Challenge.respond("alice", "Secret", SALT)), "other password");
        assertFalse(Md5Challenge.verify(POSTGRES_MD5, SALT, RESPONSE.toUpperCase()));
        assertFalse(Md5Challenge.verify(POSTGRES_MD5, SALT, ""));
        assertFalse(Md5Challenge.verify(POSTGRES_MD5, SALT, POSTGRES_MD5), "the stored hash itself is no answer");
        assertFalse(Md5Challenge.verify(PasswordVerifiers.scramSha256("secret"), SALT, RESPONSE), "not an md5 hash");
        assertFalse(Md5Challenge.verify(null, SALT, RESPONSE));
        assertFalse(Md5Challenge.verify(POSTGRES_MD5.toUpperCase(), SALT, RESPONSE));
    }

    @Test
    void saltsAreFourRandomBytes() {
        SecureRandom random = new SecureRandom();
        byte[] first = Md5Challenge.newSalt(random);
        assertEquals(Md5Challenge.SALT_BYTES, first.length);
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(Md5Challenge.newSalt(random)));
        assertThrows(IllegalArgumentException.class, () -> Md5Challenge.respond("alice", "secret", new byte[3]));
    }
}
