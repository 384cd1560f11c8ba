package io.portcullis.acme;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request's checks, the token rule of the challenge endpoint and the account key's stored form. */
class AcmeRequestTest {

    private static AcmeRequest request(List<String> domains) {
        return new AcmeRequest("https://acme.example.com/dir", null, domains, true, null, null, null, null);
    }

    @Test
    void domainsAreLowerCasedAndTheTrailingDotDropped() {
        assertEquals(List.of("db.example.com", "x-1.example.org"),
                request(List.of("DB.Example.com.", "x-1.example.org")).validate().domains());
    }

    @Test
    void whatHttp01CannotValidateIsRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> request(List.of("*.example.com")).validate())
                .getMessage().contains("DNS-01"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> request(List.of("192.168.1.1")).validate())
                .getMessage().contains("IP address"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> request(List.of("fe80::1")).validate())
                .getMessage().contains("IP address"));
        assertThrows(IllegalArgumentException.class, () -> request(List.of("-a.example.com")).validate());
        assertThrows(IllegalArgumentException.class, () -> request(List.of("a..example.com")).validate());
        assertThrows(IllegalArgumentException.class, () -> request(List.of("a.example.123")).validate());
        assertThrows(IllegalArgumentException.class, () -> request(List.of(("a".repeat(63) + ".").repeat(4) + "com")).validate());
        assertThrows(IllegalArgumentException.class, () -> request(java.util.Collections.nCopies(101, "a.example.com")).validate());
        assertThrows(IllegalArgumentException.class, () -> new AcmeRequest("https://acme.example.com/dir", null,
                List.of("a.example.com"), false, null, null, null, null).validate());
        assertThrows(IllegalArgumentException.class, () -> new AcmeRequest("ftp://acme.example.com/dir", null,
                List.of("a.example.com"), true, null, null, null, null).validate());
    }

    @Test
    void theToStringLeavesTheHmacKeyOut() {
        String text = new AcmeRequest("https://acme.example.com/dir", null, List.of("a.example.com"), true, null, null,
                "kid", "c2VjcmV0LXNlY3JldC1zZWNyZXQ").toString();
        assertFalse(text.contains("c2VjcmV0"), text);
    }

    @Test
    void onlyBase64UrlTokensAreEverLookedUp() {
        ChallengeTokens tokens = new ChallengeTokens();
        tokens.add("abc_DEF-123", "abc_DEF-123.thumb");
        assertEquals("abc_DEF-123.thumb", tokens.keyAuthorization("abc_DEF-123").orElseThrow());
        assertTrue(tokens.keyAuthorization("abc.DEF").isEmpty());
        assertTrue(tokens.keyAuthorization("../x").isEmpty());
        assertTrue(tokens.keyAuthorization(null).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> tokens.add("not/base64", "x"));
        tokens.remove("abc_DEF-123");
        assertEquals(0, tokens.pending());
    }

    @Test
    void theAccountKeyPairSurvivesItsStoredForm() {
        KeyPair key = AcmeClient.newKey();
        KeyPair back = AcmeClient.decode(AcmeClient.encode(key));
        assertArrayEquals(key.getPrivate().getEncoded(), back.getPrivate().getEncoded());
        assertArrayEquals(key.getPublic().getEncoded(), back.getPublic().getEncoded());
        assertThrows(IllegalArgumentException.class, () -> AcmeClient.decode("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
    }
}
