package io.portcullis.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.portcullis.auth.AuthenticationFailure.Reason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScramServerExchangeTest {

    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;
    /** Made by PostgreSQL 15 for password "secret" (CREATE ROLE bob PASSWORD 'secret'). */
    /** What unknown users' mocks announce here (the gateway passes portcullis.auth.scram-iterations). */
    private static final int ITERATIONS = PasswordVerifiers.DEFAULT_SCRAM_ITERATIONS;
    private static final String POSTGRES_VERIFIER = "SCRAM-SHA-256$4096:Ap4sVF7Bn3kMSmpmrf+GNg==$"
            + "Yg3ctuON6o1ID4XS+HpTwXfW60tLGwN6MA/vhEKQfhc=:Rj3FksrEGIsNXJVphQnAHemUAHJ87sWZivZTjTCBaoI=";

    private final SecureRandom random = new SecureRandom();
    private final byte[] mockSecret = ScramServerExchange.newMockSecret(random);

    @Test
    void ongresClientWithRightPasswordSucceedsAndVerifiesServer() throws Exception {
        String verifier = PasswordVerifiers.scramSha256("secret");
        assertLoginSucceeds(new ScramServerExchange(verifier, random), "secret");
    }

    @Test
    void acceptsVerifierMadeByPostgres() throws Exception {
        assertLoginSucceeds(new ScramServerExchange(POSTGRES_VERIFIER, random), "secret");
    }

    @Test
    void wrongPasswordFails() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        ScramClient client = client("Secret");
        client.serverFirstMessage(utf8(server.clientFirst(bytes(client.clientFirstMessage().toString()))));
        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class,
                () -> server.clientFinal(bytes(client.clientFinalMessage().toString())));
        assertEquals(Reason.WRONG_PASSWORD, failure.reason());
    }

    @Test
    void tamperedNonceFails() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        ScramClient client = client("secret");
        String serverFirst = utf8(server.clientFirst(bytes(client.clientFirstMessage().toString())));
        client.serverFirstMessage(serverFirst);
        String clientFinal = client.clientFinalMessage().toString();
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        // Another last character: a fixed one would equal the random nonce's own one time in about 90.
        char other = nonce.endsWith("X") ? 'Y' : 'X';
        String tampered = clientFinal.replace("r=" + nonce, "r=" + nonce.substring(0, nonce.length() - 1) + other);
        assertNotEquals(clientFinal, tampered);
        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class, () -> server.clientFinal(bytes(tampered)));
        assertEquals(Reason.NONCE_MISMATCH, failure.reason());
    }

    @Test
    void tamperedProofFails() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        ScramClient client = client("secret");
        client.serverFirstMessage(utf8(server.clientFirst(bytes(client.clientFirstMessage().toString()))));
        String clientFinal = client.clientFinalMessage().toString();
        int proofAt = clientFinal.indexOf(",p=") + 3;
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(proofAt));
        proof[0] ^= 1;
        String tampered = clientFinal.substring(0, proofAt) + Base64.getEncoder().encodeToString(proof);
        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class, () -> server.clientFinal(bytes(tampered)));
        assertEquals(Reason.WRONG_PASSWORD, failure.reason());
    }

    /** RFC 7677 §3, replayed byte for byte with the RFC's server nonce. */
    @Test
    void reproducesRfc7677Example() throws Exception {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        byte[] salted = ScramFunctions.saltedPassword(SHA_256, StringPreparation.SASL_PREPARATION, "pencil".toCharArray(), salt, 4096);
        ScramVerifier verifier = new ScramVerifier(4096, salt,
                ScramFunctions.storedKey(SHA_256, ScramFunctions.clientKey(SHA_256, salted)), ScramFunctions.serverKey(SHA_256, salted));
        ScramServerExchange server = new ScramServerExchange(verifier, false, () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                utf8(server.clientFirst(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))));
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                utf8(server.clientFinal(bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))));
    }

    /** libpq sends an empty user name and 'y' when it supports channel binding but TLS is off. */
    @Test
    void acceptsLibpqStyleEmptyUserNameFlagYAndExtensionsWithIndependentProof() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        String clientFirstBare = "n=,r=fyko+d2lbbFgONRv9qkxdawL,x=ignored";
        String serverFirst = utf8(server.clientFirst(bytes("y,," + clientFirstBare)));
        assertTrue(serverFirst.startsWith("r=fyko+d2lbbFgONRv9qkxdawL"));
        assertTrue(serverFirst.endsWith(",s=Ap4sVF7Bn3kMSmpmrf+GNg==,i=4096"));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(bytes("y,,")) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;

        ScramVerifier pg = ScramVerifier.parse(POSTGRES_VERIFIER);
        byte[] salted = ScramFunctions.saltedPassword(SHA_256, StringPreparation.POSTGRESQL_PREPARATION,
                "secret".toCharArray(), pg.salt(), pg.iterations());
        byte[] clientKey = ScramFunctions.clientKey(SHA_256, salted);
        byte[] clientSignature = ScramFunctions.clientSignature(SHA_256, ScramFunctions.storedKey(SHA_256, clientKey), authMessage);
        String proof = Base64.getEncoder().encodeToString(ScramFunctions.clientProof(clientKey, clientSignature));

        String serverFinal = utf8(server.clientFinal(bytes(withoutProof + ",p=" + proof)));
        byte[] expectedSignature = ScramFunctions.serverSignature(SHA_256, ScramFunctions.serverKey(SHA_256, salted), authMessage);
        assertEquals("v=" + Base64.getEncoder().encodeToString(expectedSignature), serverFinal);
    }

    @Test
    void unknownUserMockFailsAtClientFinalLikeAWrongPassword() throws Exception {
        ScramServerExchange server = ScramServerExchange.forUnknownUser("ghost", mockSecret, ITERATIONS, random);
        ScramClient client = client("secret");
        client.serverFirstMessage(utf8(server.clientFirst(bytes(client.clientFirstMessage().toString()))));
        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class,
                () -> server.clientFinal(bytes(client.clientFinalMessage().toString())));
        assertEquals(Reason.UNKNOWN_USER, failure.reason());
        assertEquals("password authentication failed for user \"ghost\"", AuthenticationFailure.clientMessage("ghost"));
    }

    @Test
    void unknownUserMockSaltIsStablePerUserAndLooksReal() throws Exception {
        String first = saltAndIterations(ScramServerExchange.forUnknownUser("ghost", mockSecret, ITERATIONS, random));
        String again = saltAndIterations(ScramServerExchange.forUnknownUser("ghost", mockSecret, ITERATIONS, random));
        String other = saltAndIterations(ScramServerExchange.forUnknownUser("phantom", mockSecret, ITERATIONS, random));
        String otherProcess = saltAndIterations(ScramServerExchange.forUnknownUser("ghost", ScramServerExchange.newMockSecret(random), ITERATIONS, random));
        assertEquals(first, again);
        assertNotEquals(first, other);
        assertNotEquals(first, otherProcess);
        String real = saltAndIterations(new ScramServerExchange(PasswordVerifiers.scramSha256("x"), random));
        assertEquals(real.length(), first.length(), "a mock salt has the length of a real one");
        assertTrue(first.endsWith(",i=" + PasswordVerifiers.DEFAULT_SCRAM_ITERATIONS));
    }

    @Test
    void forUserMocksWhenThereIsNoScramVerifier() throws Exception {
        for (String stored : new String[] {null, PasswordVerifiers.md5("alice", "secret")}) {
            ScramServerExchange server = ScramServerExchange.forUser("alice", stored, mockSecret, ITERATIONS, random);
            ScramClient client = client("secret");
            client.serverFirstMessage(utf8(server.clientFirst(bytes(client.clientFirstMessage().toString()))));
            assertEquals(Reason.UNKNOWN_USER, assertThrows(AuthenticationFailure.class,
                    () -> server.clientFinal(bytes(client.clientFinalMessage().toString()))).reason());
        }
        assertLoginSucceeds(ScramServerExchange.forUser("bob", POSTGRES_VERIFIER, mockSecret, ITERATIONS, random), "secret");
    }

    @Test
    void refusesChannelBindingAuthzidAndMandatoryExtension() {
        assertClientFirstFails(Reason.UNSUPPORTED_FEATURE, "p=tls-server-end-point,,n=,r=abc");
        assertClientFirstFails(Reason.UNSUPPORTED_FEATURE, "n,a=admin,n=,r=abc");
        assertClientFirstFails(Reason.UNSUPPORTED_FEATURE, "n,,m=ext,n=,r=abc");
    }

    @Test
    void refusesMalformedClientFirst() {
        for (String bad : new String[] {"", "x,,n=,r=abc", "n", "n,", "n,,", "n,,r=abc", "n,,n=", "n,,n=,r=",
                "n,,n=,r=a b", "n,,n=,r=abc,", "n,,n=,r=abc,1=x", "n,,n=,q=abc"}) {
            assertClientFirstFails(Reason.MALFORMED_MESSAGE, bad);
        }
        assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(AuthenticationFailure.class,
                () -> new ScramServerExchange(POSTGRES_VERIFIER, random).clientFirst(new byte[] {'n', ',', ',', 'n', '=', (byte) 0xC3, ',', 'r', '=', 'a'}))
                .reason(), "invalid UTF-8");
        assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(AuthenticationFailure.class,
                () -> new ScramServerExchange(POSTGRES_VERIFIER, random).clientFirst(new byte[ScramClientMessages.MAX_MESSAGE_BYTES + 1]))
                .reason(), "oversized");
    }

    @Test
    void refusesMalformedClientFinal() throws Exception {
        String proof = ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        for (String bad : new String[] {"", "c=biws", "c=biws,r=x", "r=x,c=biws" + proof, "c=biws,r=x,p=AAAA",
                "c=biws,r=x,p=not base64!", "c=biws,r=x" + proof + ",x=y", "c=bi!s,r=x" + proof, "c=biws,r=x,,p=" + proof}) {
            ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
            server.clientFirst(bytes("n,,n=,r=abc"));
            assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(AuthenticationFailure.class,
                    () -> server.clientFinal(bytes(bad))).reason(), bad);
        }
    }

    @Test
    void channelBindingDataMustRepeatTheGs2Header() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        String serverFirst = utf8(server.clientFirst(bytes("y,,n=,r=abc")));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        String clientFinal = "c=biws,r=" + nonce + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(AuthenticationFailure.class,
                () -> server.clientFinal(bytes(clientFinal))).reason());
    }

    @Test
    void anExchangeIsUsedOnceInOrder() throws Exception {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        assertThrows(IllegalStateException.class, () -> server.clientFinal(bytes("c=biws,r=x,p=AAAA")));
        server.clientFirst(bytes("n,,n=,r=abc"));
        assertThrows(IllegalStateException.class, () -> server.clientFirst(bytes("n,,n=,r=abc")));
        assertThrows(AuthenticationFailure.class, () -> server.clientFinal(bytes("garbage")));
        assertThrows(IllegalStateException.class, () -> server.clientFinal(bytes("garbage")), "no retry after a failure");
    }

    @Test
    void constructorNeedsAVerifier() {
        assertThrows(NullPointerException.class, () -> new ScramServerExchange(null, random));
        assertThrows(IllegalArgumentException.class, () -> new ScramServerExchange("md5abc", random));
        assertThrows(IllegalArgumentException.class, () -> ScramServerExchange.forUnknownUser("u", new byte[8], ITERATIONS, random));
    }

    private void assertLoginSucceeds(ScramServerExchange server, String password) throws Exception {
        ScramClient client = client(password);
        String serverFirst = utf8(server.clientFirst(bytes(client.clientFirstMessage().toString())));
        client.serverFirstMessage(serverFirst);
        byte[] serverFinal = server.clientFinal(bytes(client.clientFinalMessage().toString()));
        // Throws ScramInvalidServerSignatureException if the server's signature is wrong.
        client.serverFinalMessage(utf8(serverFinal));
    }

    private void assertClientFirstFails(Reason reason, String message) {
        ScramServerExchange server = new ScramServerExchange(POSTGRES_VERIFIER, random);
        assertEquals(reason, assertThrows(AuthenticationFailure.class, () -> server.clientFirst(bytes(message))).reason(), message);
    }

    private static String saltAndIterations(ScramServerExchange server) throws AuthenticationFailure {
        String serverFirst = utf8(server.clientFirst(bytes("n,,n=,r=abc")));
        return serverFirst.substring(serverFirst.indexOf(",s="));
    }

    private static ScramClient client(String password) {
        return ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username("bob")
                .password(password.toCharArray())
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
                .build();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void theMockAnnouncesTheConfiguredIterationCount() throws Exception {
        byte[] mockSecret = ScramServerExchange.newMockSecret(random);
        ScramServerExchange server = ScramServerExchange.forUser("ghost", null, mockSecret, 15_000, random);
        String serverFirst = utf8(server.clientFirst(bytes(client("secret").clientFirstMessage().toString())));
        assertTrue(serverFirst.endsWith(",i=15000"), serverFirst);
    }

    @Test
    void iterationCountsOutsideTheRangeAreRefusedNamingTheSetting() {
        assertEquals(4096, PasswordVerifiers.checkScramIterations(4096));
        assertEquals(1_000_000, PasswordVerifiers.checkScramIterations(1_000_000));
        for (int bad : new int[]{0, 4095, 1_000_001}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PasswordVerifiers.checkScramIterations(bad));
            assertTrue(e.getMessage().contains("portcullis.auth.scram-iterations"), e.getMessage());
        }
        assertTrue(PasswordVerifiers.scramSha256("pw", 5000).startsWith("SCRAM-SHA-256$5000:"));
    }
}
