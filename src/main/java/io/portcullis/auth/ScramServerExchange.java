package io.portcullis.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFinalMessage;
import com.ongres.scram.common.ServerFirstMessage;
import io.portcullis.auth.AuthenticationFailure.Reason;
import io.portcullis.auth.ScramClientMessages.ClientFinal;
import io.portcullis.auth.ScramClientMessages.ClientFirst;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), as PostgreSQL runs it:
 *
 * <pre>
 *   client-first  ──clientFirst()──▶  server-first   (AuthenticationSASLContinue, code 11)
 *   client-final  ──clientFinal()──▶  server-final   (AuthenticationSASLFinal, code 12)
 *                 any failure      ▶  AuthenticationFailure, exchange over
 * </pre>
 *
 * <p>Channel binding is not offered (only {@code SCRAM-SHA-256} is advertised), so a client asking
 * for it ({@code p=}) is refused and {@code n} or {@code y} are accepted. The user name in
 * client-first is ignored: the user is the one from the startup packet, which picked the verifier.
 * ('y' means "I could bind but you did not offer it", which is true while we offer no -PLUS; once
 * SCRAM-SHA-256-PLUS is offered over TLS, 'y' must be refused as a downgrade, as PostgreSQL does.)
 *
 * <p><b>Unknown users.</b> {@link #forUnknownUser} runs the same exchange with a fake salt derived
 * from the user name and a server secret, so the salt and iteration count a client sees are
 * stable per name and look like a real user's; the exchange then fails at client-final just like a
 * wrong password. That keeps the set of user names from leaking through SCRAM. The secret must be
 * as stable as real salts are: the gateway derives it from its secret key, so a fake salt does not
 * change at a restart (which would give the name away) and is the same on every replica.
 *
 * <p>Cheap on the server (a few HMACs, no PBKDF2), so it may run on an event loop. One instance per
 * login attempt; not thread-safe.
 */
public final class ScramServerExchange {

    /** The shortest server secret {@link #forUnknownUser} accepts. */
    public static final int MIN_MOCK_SECRET_BYTES = 16;
    /** Random bytes in the server's nonce part; PostgreSQL uses 18 (24 base64 characters). */
    static final int SERVER_NONCE_BYTES = 18;
    /** Fake salt length, as in {@link PasswordVerifiers}: a mock must look like a real verifier. */
    static final int MOCK_SALT_BYTES = 16;
    private static final int MOCK_SECRET_BYTES = 32;
    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;

    private enum State { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, FINISHED }

    private final ScramVerifier verifier;
    private final boolean mock;
    private final Supplier<String> serverNonces;
    private State state = State.AWAITING_CLIENT_FIRST;
    private ClientFirst clientFirst;
    private String serverFirst;
    private String nonce;
    /** The client's ClientKey, recovered once its proof checked out. */
    private byte[] clientKey;

    /**
     * An exchange against a stored verifier.
     *
     * @param verifier a SCRAM-SHA-256 verifier in PostgreSQL's format; for a user that does not exist
     *        or has none, use {@link #forUnknownUser} (or {@link #forUser}), which needs the user name
     * @throws IllegalArgumentException if the verifier is malformed
     */
    public ScramServerExchange(String verifier, SecureRandom random) {
        this(ScramVerifier.parse(Objects.requireNonNull(verifier,
                "verifier (use ScramServerExchange.forUnknownUser when there is none)")),
                false, randomNonces(random));
    }

    /** For tests that replay a published exchange with a fixed server nonce. */
    ScramServerExchange(ScramVerifier verifier, boolean mock, Supplier<String> serverNonces) {
        this.verifier = verifier;
        this.mock = mock;
        this.serverNonces = serverNonces;
    }

    /**
     * A mock exchange for a user that does not exist or has no SCRAM verifier. It answers
     * client-first with a salt that depends only on {@code userName} and {@code mockSecret} and with
     * {@code iterations}, then fails client-final with {@link Reason#UNKNOWN_USER}. The gateway passes its
     * configured count (portcullis.auth.scram-iterations), as PostgreSQL announces its current
     * {@code scram_iterations}, so unknown users look like users created now.
     *
     * @param mockSecret a server secret of at least {@value #MIN_MOCK_SECRET_BYTES} bytes, unknown outside so
     *        fake salts cannot be told from real ones, and stable (derived from the secret key) so they
     *        do not change at a restart
     */
    public static ScramServerExchange forUnknownUser(String userName, byte[] mockSecret, int iterations,
                                                     SecureRandom random) {
        return forUnknownUser(userName, mockSecret, iterations, randomNonces(random));
    }

    /** {@link #forUnknownUser(String, byte[], int, SecureRandom)} with given server nonces, for tests. */
    static ScramServerExchange forUnknownUser(String userName, byte[] mockSecret, int iterations,
                                              Supplier<String> serverNonces) {
        Objects.requireNonNull(userName, "userName");
        if (mockSecret.length < MIN_MOCK_SECRET_BYTES) {
            throw new IllegalArgumentException("mock secret must be at least " + MIN_MOCK_SECRET_BYTES + " bytes");
        }
        byte[] salt = mockSalt(userName, mockSecret);
        byte[] noKey = new byte[ScramVerifier.KEY_BYTES];
        ScramVerifier fake = new ScramVerifier(iterations, salt, noKey, noKey);
        return new ScramServerExchange(fake, true, serverNonces);
    }

    /** The salt an unknown user's mock exchange announces: the same for a name at every attempt, on every replica. */
    static byte[] mockSalt(String userName, byte[] mockSecret) {
        return Arrays.copyOf(ScramFunctions.hmac(SHA_256, mockSecret, userName.getBytes(StandardCharsets.UTF_8)),
                MOCK_SALT_BYTES);
    }

    /**
     * The exchange for a user as looked up: a real one when {@code storedVerifierOrNull} is a SCRAM-SHA-256
     * verifier, otherwise (no such user, or only an md5 hash stored) a mock, as PostgreSQL does.
     *
     * @throws IllegalArgumentException if the stored value looks like a SCRAM verifier but is malformed
     */
    public static ScramServerExchange forUser(String userName, String storedVerifierOrNull, byte[] mockSecret,
                                              int mockIterations, SecureRandom random) {
        return ScramVerifier.isScramSha256(storedVerifierOrNull)
                ? new ScramServerExchange(storedVerifierOrNull, random)
                : forUnknownUser(userName, mockSecret, mockIterations, random);
    }

    /**
     * A fresh random secret for {@link #forUnknownUser}, for tests and tools; the gateway derives its
     * own from the secret key instead, so that fake salts survive restarts.
     */
    public static byte[] newMockSecret(SecureRandom random) {
        byte[] secret = new byte[MOCK_SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    /**
     * Takes the client-first-message (the data of SASLInitialResponse) and returns the
     * server-first-message to send in AuthenticationSASLContinue.
     *
     * @param clientFirstMessage the bytes as received; null (a SASLInitialResponse whose data length is
     *        -1) is refused as malformed
     * @throws AuthenticationFailure if the message is malformed or asks for what we do not offer
     */
    public byte[] clientFirst(byte[] clientFirstMessage) throws AuthenticationFailure {
        expect(State.AWAITING_CLIENT_FIRST);
        state = State.FINISHED;
        clientFirst = ScramClientMessages.parseClientFirst(clientFirstMessage);
        String serverNonce = serverNonces.get();
        nonce = clientFirst.clientNonce() + serverNonce;
        serverFirst = new ServerFirstMessage(clientFirst.clientNonce(), serverNonce,
                Base64.getEncoder().encodeToString(verifier.salt()), verifier.iterations()).toString();
        state = State.AWAITING_CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Takes the client-final-message (the data of SASLResponse) and, if the client proved it knows
     * the password, returns the server-final-message ({@code v=...}) to send in AuthenticationSASLFinal.
     *
     * @throws AuthenticationFailure on a wrong proof, a foreign nonce, a malformed message, or always
     *         for a mock exchange
     */
    public byte[] clientFinal(byte[] clientFinalMessage) throws AuthenticationFailure {
        expect(State.AWAITING_CLIENT_FINAL);
        state = State.FINISHED;
        ClientFinal clientFinal = ScramClientMessages.parseClientFinal(clientFinalMessage);
        if (!MessageDigest.isEqual(clientFinal.channelBinding(), clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8))) {
            throw new AuthenticationFailure(Reason.MALFORMED_MESSAGE,
                    "channel-binding data in client-final does not repeat the gs2 header of client-first");
        }
        if (!MessageDigest.isEqual(clientFinal.nonce().getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
            throw new AuthenticationFailure(Reason.NONCE_MISMATCH, "nonce in client-final does not match server-first");
        }
        String authMessage = clientFirst.bare() + "," + serverFirst + "," + clientFinal.withoutProof();
        byte[] storedKey = verifier.storedKey();
        // Computed for mocks too, so that both paths take the same time.
        boolean proofValid = ScramFunctions.verifyClientProof(SHA_256, clientFinal.proof(), storedKey, authMessage);
        if (mock) {
            throw new AuthenticationFailure(Reason.UNKNOWN_USER,
                    "user does not exist or has no SCRAM-SHA-256 verifier");
        }
        if (!proofValid) {
            throw new AuthenticationFailure(Reason.WRONG_PASSWORD, "SCRAM proof does not match the stored verifier");
        }
        clientKey = xor(clientFinal.proof(), ScramFunctions.clientSignature(SHA_256, storedKey, authMessage));
        byte[] serverSignature = ScramFunctions.serverSignature(SHA_256, verifier.serverKey(), authMessage);
        return new ServerFinalMessage(serverSignature).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What the verified exchange lets Portcullis log in to the backend with as this client (SCRAM passthrough): the
     * ClientKey its proof gave away and the verifier's ServerKey. Only after {@link #clientFinal} succeeded.
     */
    public PassthroughSecret.ScramKeys passthroughKeys() {
        if (clientKey == null) {
            throw new IllegalStateException("the client has not proved its password");
        }
        return new PassthroughSecret.ScramKeys(clientKey, verifier.serverKey());
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange is in state " + state + ", not " + expected);
        }
    }

    private static Supplier<String> randomNonces(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        return () -> {
            byte[] bytes = new byte[SERVER_NONCE_BYTES];
            random.nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        };
    }
}
