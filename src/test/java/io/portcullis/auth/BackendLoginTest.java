package io.portcullis.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.portcullis.auth.AuthenticationFailure.Reason;
import io.portcullis.auth.BackendLogin.Step;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static io.portcullis.auth.ScramServerExchangeTest.bytes;
import static io.portcullis.auth.ScramServerExchangeTest.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendLoginTest {

    private static final byte[] NONE = new byte[0];
    private static final byte[] SASL_MECHANISMS = bytes("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0");
    private final SecureRandom random = new SecureRandom();

    @Test
    void cleartextSendsThePasswordAsACString() throws Exception {
        BackendLogin login = new BackendLogin("admin", "quest");
        Step.Send send = assertInstanceOf(Step.Send.class, login.onAuthenticationRequest(3, NONE));
        assertEquals((byte) 'p', send.type());
        assertArrayEquals(new byte[] {'q', 'u', 'e', 's', 't', 0}, send.body());
        assertFalse(login.isDone());
        assertInstanceOf(Step.Done.class, login.onAuthenticationRequest(0, NONE));
        assertTrue(login.isDone());
    }

    @Test
    void md5SendsPostgresResponse() throws Exception {
        BackendLogin login = new BackendLogin("alice", "secret");
        Step.Send send = assertInstanceOf(Step.Send.class, login.onAuthenticationRequest(5, new byte[] {1, 2, 3, 4}));
        assertEquals((byte) 'p', send.type());
        assertArrayEquals(bytes("md598a0412b9c31436fc53776e863350083\0"), send.body());
        assertThrows(BackendLoginException.class, () -> new BackendLogin("alice", "secret").onAuthenticationRequest(5, new byte[3]));
    }

    @Test
    void trustNeedsNoPassword() throws Exception {
        assertInstanceOf(Step.Done.class, new BackendLogin("u", null).onAuthenticationRequest(0, NONE));
    }

    @Test
    void scramAgainstOurServerEndToEnd() throws Exception {
        ScramServerExchange server = new ScramServerExchange(PasswordVerifiers.scramSha256("s3cr3t pässword"), random);
        BackendLogin login = new BackendLogin("bob", "s3cr3t pässword");

        Step.Send initial = assertInstanceOf(Step.Send.class, login.onAuthenticationRequest(10, SASL_MECHANISMS));
        assertEquals((byte) 'p', initial.type());
        byte[] clientFirst = saslInitialResponseData(initial.body(), "SCRAM-SHA-256");
        assertTrue(utf8(clientFirst).startsWith("n,,n=*,r="), "no channel binding, user name left to the startup packet");

        Step.Send response = assertInstanceOf(Step.Send.class, login.onAuthenticationRequest(11, server.clientFirst(clientFirst)));
        assertEquals((byte) 'p', response.type());
        byte[] serverFinal = server.clientFinal(response.body());
        assertInstanceOf(Step.Nothing.class, login.onAuthenticationRequest(12, serverFinal));
        assertInstanceOf(Step.Done.class, login.onAuthenticationRequest(0, NONE));
    }

    /** Runs BackendLogin's SCRAM exchange against {@code server}; returns the server-final it got. */
    private static byte[] scramAgainst(BackendLogin login, ScramServerExchange server) throws Exception {
        Step.Send initial = (Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS);
        Step.Send response = (Step.Send) login.onAuthenticationRequest(11,
                server.clientFirst(saslInitialResponseData(initial.body(), "SCRAM-SHA-256")));
        byte[] serverFinal = server.clientFinal(response.body());
        assertInstanceOf(Step.Nothing.class, login.onAuthenticationRequest(12, serverFinal));
        return serverFinal;
    }

    /**
     * Issue 20 item 1, SCRAM passthrough: the keys a client's verified proof gives away log in to a backend that
     * keeps the same verifier, and a backend with another verifier (another password) refuses them.
     */
    @Test
    void scramKeysRecoveredFromAClientsProofLogInToTheBackend() throws Exception {
        String verifier = PasswordVerifiers.scramSha256("only the client knows");
        ScramServerExchange gateway = new ScramServerExchange(verifier, random);
        scramAgainst(new BackendLogin("carol", "only the client knows"), gateway);
        PassthroughSecret.ScramKeys keys = gateway.passthroughKeys();
        assertEquals("ScramKeys[hidden]", keys.toString());

        BackendLogin passthrough = BackendLogin.passingThrough("carol", keys);
        scramAgainst(passthrough, new ScramServerExchange(verifier, random));
        assertInstanceOf(Step.Done.class, passthrough.onAuthenticationRequest(0, NONE));

        BackendLogin elsewhere = BackendLogin.passingThrough("carol", keys);
        assertEquals(Reason.WRONG_PASSWORD, assertThrows(AuthenticationFailure.class, () -> scramAgainst(elsewhere,
                new ScramServerExchange(PasswordVerifiers.scramSha256("another password"), random))).reason());
        assertThrows(IllegalStateException.class, () -> new ScramServerExchange(verifier, random).passthroughKeys(),
                "no keys before a proof");
    }

    @Test
    void passedThroughSecretsAnswerOnlyTheirOwnMethod() throws Exception {
        String hash = PasswordVerifiers.md5("dave", "secret");
        Step.Send md5 = assertInstanceOf(Step.Send.class, BackendLogin.passingThrough("dave", new PassthroughSecret.Md5Hash(hash))
                .onAuthenticationRequest(5, new byte[] {1, 2, 3, 4}));
        assertArrayEquals(new BackendLogin("dave", "secret").onAuthenticationRequest(5, new byte[] {1, 2, 3, 4}) instanceof
                Step.Send s ? s.body() : null, md5.body(), "the hash answers as the password would");
        BackendLoginException cleartext = assertThrows(BackendLoginException.class,
                () -> BackendLogin.passingThrough("dave", new PassthroughSecret.Md5Hash(hash)).onAuthenticationRequest(3, NONE));
        assertTrue(cleartext.getMessage().contains("only that method can be passed through"), cleartext.getMessage());
        assertThrows(BackendLoginException.class, () -> BackendLogin.passingThrough("dave", new PassthroughSecret.Md5Hash(hash))
                .onAuthenticationRequest(10, SASL_MECHANISMS));
        PassthroughSecret.ScramKeys keys = new PassthroughSecret.ScramKeys(new byte[32], new byte[32]);
        assertThrows(BackendLoginException.class, () -> BackendLogin.passingThrough("dave", keys)
                .onAuthenticationRequest(5, new byte[] {1, 2, 3, 4}));
    }

    @Test
    void wrongBackendPasswordIsRejectedByTheServer() throws Exception {
        ScramServerExchange server = new ScramServerExchange(PasswordVerifiers.scramSha256("right"), random);
        BackendLogin login = new BackendLogin("bob", "wrong");
        Step.Send initial = (Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS);
        Step.Send response = (Step.Send) login.onAuthenticationRequest(11,
                server.clientFirst(saslInitialResponseData(initial.body(), "SCRAM-SHA-256")));
        assertEquals(Reason.WRONG_PASSWORD, assertThrows(AuthenticationFailure.class, () -> server.clientFinal(response.body())).reason());
    }

    /** The proof BackendLogin sends checks out against keys derived here, independently of our server. */
    @Test
    void clientProofMatchesIndependentComputation() throws Exception {
        ScramMechanism sha256 = ScramMechanism.SCRAM_SHA_256;
        BackendLogin login = new BackendLogin("bob", "secret");
        String clientFirst = utf8(saslInitialResponseData(((Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS)).body(), "SCRAM-SHA-256"));
        String clientNonce = clientFirst.substring(clientFirst.indexOf(",r=") + 3);
        byte[] salt = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
        String serverFirst = "r=" + clientNonce + "SERVERPART,s=" + Base64.getEncoder().encodeToString(salt) + ",i=4096";
        String clientFinal = utf8(((Step.Send) login.onAuthenticationRequest(11, bytes(serverFirst))).body());

        int proofAt = clientFinal.indexOf(",p=");
        assertEquals("c=biws,r=" + clientNonce + "SERVERPART", clientFinal.substring(0, proofAt));
        String authMessage = clientFirst.substring(3) + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
        byte[] salted = ScramFunctions.saltedPassword(sha256, StringPreparation.POSTGRESQL_PREPARATION, "secret".toCharArray(), salt, 4096);
        byte[] storedKey = ScramFunctions.storedKey(sha256, ScramFunctions.clientKey(sha256, salted));
        assertTrue(ScramFunctions.verifyClientProof(sha256, Base64.getDecoder().decode(clientFinal.substring(proofAt + 3)), storedKey, authMessage));

        byte[] signature = ScramFunctions.serverSignature(sha256, ScramFunctions.serverKey(sha256, salted), authMessage);
        assertInstanceOf(Step.Nothing.class, login.onAuthenticationRequest(12, bytes("v=" + Base64.getEncoder().encodeToString(signature))));
    }

    @Test
    void wrongServerSignatureIsAnImpostor() throws Exception {
        ScramServerExchange server = new ScramServerExchange(PasswordVerifiers.scramSha256("secret"), random);
        BackendLogin login = new BackendLogin("bob", "secret");
        Step.Send initial = (Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS);
        Step.Send response = (Step.Send) login.onAuthenticationRequest(11,
                server.clientFirst(saslInitialResponseData(initial.body(), "SCRAM-SHA-256")));
        String serverFinal = utf8(server.clientFinal(response.body()));
        byte[] signature = Base64.getDecoder().decode(serverFinal.substring(2));
        signature[signature.length - 1] ^= 1;
        BackendLoginException e = assertThrows(BackendLoginException.class,
                () -> login.onAuthenticationRequest(12, bytes("v=" + Base64.getEncoder().encodeToString(signature))));
        assertTrue(e.getMessage().contains("server signature"), e.getMessage());
        assertThrows(BackendLoginException.class, () -> login.onAuthenticationRequest(0, NONE), "no OK after a failed proof");
    }

    /** A server that holds only StoredKey (not ServerKey) can check our proof but cannot sign. */
    @Test
    void serverWithoutTheServerKeyIsAnImpostor() throws Exception {
        ScramVerifier real = ScramVerifier.parse(PasswordVerifiers.scramSha256("secret"));
        ScramVerifier forged = new ScramVerifier(real.iterations(), real.salt(), real.storedKey(), new byte[32]);
        ScramServerExchange server = new ScramServerExchange(forged.encode(), random);
        BackendLogin login = new BackendLogin("bob", "secret");
        Step.Send initial = (Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS);
        Step.Send response = (Step.Send) login.onAuthenticationRequest(11,
                server.clientFirst(saslInitialResponseData(initial.body(), "SCRAM-SHA-256")));
        byte[] serverFinal = server.clientFinal(response.body());
        assertThrows(BackendLoginException.class, () -> login.onAuthenticationRequest(12, serverFinal));
    }

    @Test
    void okBeforeServerProofIsRefused() throws Exception {
        BackendLogin login = new BackendLogin("bob", "secret");
        login.onAuthenticationRequest(10, SASL_MECHANISMS);
        BackendLoginException e = assertThrows(BackendLoginException.class, () -> login.onAuthenticationRequest(0, NONE));
        assertTrue(e.getMessage().contains("impostor"), e.getMessage());
    }

    @Test
    void unsupportedMethodsAreNamed() {
        assertEquals("backend asked for GSSAPI authentication, which Portcullis does not support",
                assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(7, NONE)).getMessage());
        assertEquals("backend asked for Kerberos V5 authentication, which Portcullis does not support",
                assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(2, NONE)).getMessage());
        assertEquals("backend asked for SSPI authentication, which Portcullis does not support",
                assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(9, NONE)).getMessage());
        assertTrue(assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(42, NONE))
                .getMessage().contains("42"));
        BackendLoginException onlyPlus = assertThrows(BackendLoginException.class,
                () -> new BackendLogin("u", "p").onAuthenticationRequest(10, bytes("SCRAM-SHA-256-PLUS\0\0")));
        assertTrue(onlyPlus.getMessage().contains("[SCRAM-SHA-256-PLUS]"), onlyPlus.getMessage());
    }

    @Test
    void missingPasswordIsNamed() {
        for (int code : new int[] {3, 10}) {
            BackendLoginException e = assertThrows(BackendLoginException.class,
                    () -> new BackendLogin("reader", null).onAuthenticationRequest(code, code == 10 ? SASL_MECHANISMS : NONE));
            assertTrue(e.getMessage().contains("no backend password is configured") && e.getMessage().contains("reader"), e.getMessage());
        }
        assertThrows(BackendLoginException.class, () -> new BackendLogin("reader", null).onAuthenticationRequest(5, new byte[4]));
        assertThrows(BackendLoginException.class, () -> new BackendLogin("reader", "").onAuthenticationRequest(10, SASL_MECHANISMS));
    }

    @Test
    void protocolViolationsAreRefused() throws Exception {
        assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(11, bytes("r=x,s=AAAA,i=1")));
        assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(12, bytes("v=AAAA")));
        assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p").onAuthenticationRequest(10, bytes("SCRAM-SHA-256")));
        assertThrows(BackendLoginException.class, () -> new BackendLogin("u", "p\0q").onAuthenticationRequest(3, NONE));
        BackendLogin twice = new BackendLogin("u", "p");
        twice.onAuthenticationRequest(3, NONE);
        assertThrows(BackendLoginException.class, () -> twice.onAuthenticationRequest(3, NONE));

        BackendLogin foreignNonce = new BackendLogin("u", "p");
        foreignNonce.onAuthenticationRequest(10, SASL_MECHANISMS);
        assertThrows(BackendLoginException.class, () -> foreignNonce.onAuthenticationRequest(11, bytes("r=notours,s=AAAA,i=4096")));
    }

    @Test
    void hostileIterationCountIsRefused() throws Exception {
        BackendLogin login = new BackendLogin("u", "p");
        String clientFirst = utf8(saslInitialResponseData(((Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS)).body(), "SCRAM-SHA-256"));
        String nonce = clientFirst.substring(clientFirst.indexOf(",r=") + 3);
        BackendLoginException e = assertThrows(BackendLoginException.class, () -> login.onAuthenticationRequest(11,
                bytes("r=" + nonce + "x,s=AAAA,i=" + (BackendLogin.MAX_SCRAM_ITERATIONS + 1))));
        assertTrue(e.getMessage().contains("iterations"), e.getMessage());
    }

    @Test
    void malformedServerFirstIsRefusedAsBackendLoginException() throws Exception {
        for (String tail : new String[] {"x,s=!!!!,i=4096", "x,s=AAAA,i=0", "x,s=AAAA,i=-1", "x,s=AAAA,i=abc", "x,s=,i=4096", "x,i=4096"}) {
            BackendLogin login = new BackendLogin("u", "p");
            String clientFirst = utf8(saslInitialResponseData(((Step.Send) login.onAuthenticationRequest(10, SASL_MECHANISMS)).body(), "SCRAM-SHA-256"));
            String nonce = clientFirst.substring(clientFirst.indexOf(",r=") + 3);
            assertThrows(BackendLoginException.class, () -> login.onAuthenticationRequest(11, bytes("r=" + nonce + tail)), tail);
        }
    }

    /** Checks the SASLInitialResponse body layout byte by byte and returns its data. */
    private static byte[] saslInitialResponseData(byte[] body, String mechanism) {
        byte[] name = (mechanism + "\0").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(name, Arrays.copyOf(body, name.length));
        ByteBuffer rest = ByteBuffer.wrap(body, name.length, body.length - name.length);
        int length = rest.getInt();
        assertEquals(rest.remaining(), length);
        byte[] data = new byte[length];
        rest.get(data);
        return data;
    }
}
