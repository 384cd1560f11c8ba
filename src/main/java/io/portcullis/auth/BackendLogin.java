package io.portcullis.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;
import com.ongres.scram.common.exception.ScramParseException;
import com.ongres.scram.common.exception.ScramRuntimeException;
import com.ongres.scram.common.exception.ScramServerErrorException;
import io.portcullis.wire.MessageTypes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Portcullis logging in to one backend connection as a client. Feed it each Authentication
 * message ('R') the backend sends; it says what to answer. The caller frames the answer (type
 * byte, int32 length, body).
 *
 * <pre>
 *   AWAITING_REQUEST ─3 cleartext / 5 md5─▶ PASSWORD_SENT ─0─▶ DONE
 *   AWAITING_REQUEST ─10 SASL─▶ SASL_STARTED ─11─▶ SASL_FINAL_SENT ─12 (signature ok)─▶ SASL_VERIFIED ─0─▶ DONE
 *   AWAITING_REQUEST ─0 (trust)─▶ DONE
 * </pre>
 *
 * <p>In SCRAM the backend must prove it knows the password too (AuthenticationSASLFinal); an
 * AuthenticationOk before that proof is refused, since only an impostor would skip it.
 *
 * <p>Step 11 derives the salted password (PBKDF2, {@code i} rounds: a few milliseconds at
 * PostgreSQL's default 4096); callers on an event loop may want to run it on a worker. Not
 * thread-safe; one instance per backend login.
 */
public final class BackendLogin {

    /**
     * The highest SCRAM iteration count a backend may ask for. Deriving the key costs time linear
     * in it, so an unbounded value lets a hostile backend stall us; PostgreSQL defaults to 4096.
     */
    public static final int MAX_SCRAM_ITERATIONS = 1_000_000;

    /** PostgreSQL ignores the SCRAM user name (the startup packet names the user); pgJDBC sends this. */
    private static final String SCRAM_USER_NAME = "*";

    /** What to do after an Authentication message. */
    public sealed interface Step permits Step.Send, Step.Nothing, Step.Done {

        /** Send a message of {@code type} whose body (after type and length) is {@code body}. */
        record Send(byte type, byte[] body) implements Step {
        }

        /** Send nothing; wait for the next Authentication message. */
        record Nothing() implements Step {
        }

        /** Authentication succeeded; ParameterStatus, BackendKeyData and ReadyForQuery follow. */
        record Done() implements Step {
        }

        static Step send(byte type, byte[] body) {
            return new Send(type, body);
        }

        static Step nothing() {
            return new Nothing();
        }

        static Step done() {
            return new Done();
        }
    }

    private enum Phase { AWAITING_REQUEST, PASSWORD_SENT, SASL_STARTED, SASL_FINAL_SENT, SASL_VERIFIED, DONE }

    private final String user;
    private final String password;
    private final PassthroughSecret passthrough;
    private Phase phase = Phase.AWAITING_REQUEST;
    private ScramClient scram;
    private String clientNonce;

    /**
     * @param user the backend user, as in the startup packet (md5 salts with it)
     * @param passwordOrNull the backend password in clear, or null when none is configured (then
     *        only trust, i.e. an immediate AuthenticationOk, can succeed)
     */
    public BackendLogin(String user, String passwordOrNull) {
        this(user, passwordOrNull, null);
    }

    /**
     * A login as a user looked up in the backend, with what its client's own login left ({@link PassthroughSecret}):
     * SCRAM keys answer only SCRAM, an md5 hash only md5; a cleartext request cannot be answered by either.
     */
    public static BackendLogin passingThrough(String user, PassthroughSecret secret) {
        return new BackendLogin(user, null, Objects.requireNonNull(secret, "secret"));
    }

    private BackendLogin(String user, String password, PassthroughSecret passthrough) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
        this.passthrough = passthrough;
    }

    /** Whether the backend has accepted the login. */
    public boolean isDone() {
        return phase == Phase.DONE;
    }

    /**
     * Handles one Authentication message.
     *
     * @param code the int32 after the length in the 'R' message
     * @param data the rest of the message body (salt, mechanism list, SCRAM data; empty otherwise)
     * @throws BackendLoginException if we cannot or must not continue; the connection should be closed
     */
    public Step onAuthenticationRequest(int code, byte[] data) throws BackendLoginException {
        Objects.requireNonNull(data, "data");
        return switch (code) {
            case MessageTypes.AUTH_OK -> authenticationOk();
            case MessageTypes.AUTH_CLEARTEXT_PASSWORD -> cleartext();
            case MessageTypes.AUTH_MD5_PASSWORD -> md5(data);
            case MessageTypes.AUTH_SASL -> saslStart(data);
            case MessageTypes.AUTH_SASL_CONTINUE -> saslContinue(data);
            case MessageTypes.AUTH_SASL_FINAL -> saslFinal(data);
            case MessageTypes.AUTH_KERBEROS_V5 -> throw unsupported("Kerberos V5");
            case MessageTypes.AUTH_SCM_CREDENTIAL -> throw unsupported("SCM credential");
            case MessageTypes.AUTH_GSS, MessageTypes.AUTH_GSS_CONTINUE -> throw unsupported("GSSAPI");
            case MessageTypes.AUTH_SSPI -> throw unsupported("SSPI");
            default -> throw new BackendLoginException("backend sent an unknown authentication request (code " + code + ")");
        };
    }

    private Step authenticationOk() throws BackendLoginException {
        if (phase == Phase.SASL_STARTED || phase == Phase.SASL_FINAL_SENT) {
            throw new BackendLoginException("backend reported authentication OK without completing SCRAM-SHA-256, "
                    + "so it never proved it knows the password; refusing a possible impostor");
        }
        if (phase == Phase.DONE) {
            throw new BackendLoginException("backend reported authentication OK twice");
        }
        phase = Phase.DONE;
        return Step.done();
    }

    private Step cleartext() throws BackendLoginException {
        requirePhase(Phase.AWAITING_REQUEST, "a cleartext password request");
        requirePassword("cleartext password");
        phase = Phase.PASSWORD_SENT;
        return Step.send(MessageTypes.PASSWORD, cString(password, "password"));
    }

    private Step md5(byte[] salt) throws BackendLoginException {
        requirePhase(Phase.AWAITING_REQUEST, "an md5 password request");
        requirePassword("md5 password");
        if (salt.length != Md5Challenge.SALT_BYTES) {
            throw new BackendLoginException("backend sent an md5 password request with a " + salt.length
                    + "-byte salt instead of " + Md5Challenge.SALT_BYTES);
        }
        phase = Phase.PASSWORD_SENT;
        String response = passthrough instanceof PassthroughSecret.Md5Hash hash
                ? Md5Challenge.respondWithHash(hash.hash(), salt) : Md5Challenge.respond(user, password, salt);
        return Step.send(MessageTypes.PASSWORD, cString(response, "md5 response"));
    }

    private Step saslStart(byte[] data) throws BackendLoginException {
        requirePhase(Phase.AWAITING_REQUEST, "a SASL request");
        List<String> mechanisms = mechanisms(data);
        if (!mechanisms.contains(MessageTypes.SCRAM_SHA_256)) {
            throw new BackendLoginException("backend offered SASL mechanisms " + mechanisms + ", but Portcullis supports only "
                    + MessageTypes.SCRAM_SHA_256);
        }
        requirePassword(MessageTypes.SCRAM_SHA_256);
        if (passthrough == null && password.isEmpty()) {
            throw new BackendLoginException("backend asked for " + MessageTypes.SCRAM_SHA_256
                    + " authentication, but the configured backend password is empty");
        }
        // Only the plain mechanism is passed on, so the library sends gs2 flag 'n': we do no channel binding.
        ScramClient.PasswordBuildStage builder = ScramClient.builder()
                .advertisedMechanisms(List.of(MessageTypes.SCRAM_SHA_256))
                .username(SCRAM_USER_NAME);
        scram = (passthrough instanceof PassthroughSecret.ScramKeys keys
                ? builder.clientAndServerKey(keys.clientKey(), keys.serverKey()) : builder.password(password.toCharArray()))
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
                .build();
        ClientFirstMessage first = scram.clientFirstMessage();
        clientNonce = first.getClientNonce();
        byte[] clientFirst = first.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(cString(MessageTypes.SCRAM_SHA_256, "mechanism"));
        writeInt32(body, clientFirst.length);
        body.writeBytes(clientFirst);
        phase = Phase.SASL_STARTED;
        return Step.send(MessageTypes.PASSWORD, body.toByteArray());
    }

    private Step saslContinue(byte[] data) throws BackendLoginException {
        requirePhase(Phase.SASL_STARTED, "a SASL continue message");
        String serverFirst = new String(data, StandardCharsets.UTF_8);
        try {
            ServerFirstMessage parsed = ServerFirstMessage.parseFrom(serverFirst, clientNonce);
            if (parsed.getIterationCount() > MAX_SCRAM_ITERATIONS) {
                throw new BackendLoginException("backend asked for " + parsed.getIterationCount()
                        + " SCRAM iterations, more than the limit of " + MAX_SCRAM_ITERATIONS);
            }
            scram.serverFirstMessage(serverFirst);
            byte[] clientFinal = scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8);
            phase = Phase.SASL_FINAL_SENT;
            return Step.send(MessageTypes.PASSWORD, clientFinal);
        } catch (ScramParseException | IllegalArgumentException | IllegalStateException | ScramRuntimeException e) {
            throw new BackendLoginException("backend sent an invalid SCRAM server-first-message: " + e.getMessage(), e);
        }
    }

    private Step saslFinal(byte[] data) throws BackendLoginException {
        requirePhase(Phase.SASL_FINAL_SENT, "a SASL final message");
        try {
            scram.serverFinalMessage(new String(data, StandardCharsets.UTF_8));
        } catch (ScramInvalidServerSignatureException e) {
            throw new BackendLoginException("backend's SCRAM server signature is wrong: it does not know the password; "
                    + "refusing a possible impostor", e);
        } catch (ScramServerErrorException e) {
            throw new BackendLoginException("backend ended the SCRAM exchange with error: " + e.getServerError(), e);
        } catch (ScramParseException | IllegalArgumentException | IllegalStateException | ScramRuntimeException e) {
            throw new BackendLoginException("backend sent an invalid SCRAM server-final-message: " + e.getMessage(), e);
        }
        phase = Phase.SASL_VERIFIED;
        return Step.nothing();
    }

    /** The mechanism list of AuthenticationSASL: NUL-terminated names, ended by an empty name. */
    private static List<String> mechanisms(byte[] data) throws BackendLoginException {
        List<String> names = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = start;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (end == data.length) {
                throw new BackendLoginException("backend sent a SASL mechanism list that is not NUL-terminated");
            }
            if (end == start) {
                return names;
            }
            names.add(new String(data, start, end - start, StandardCharsets.UTF_8));
            start = end + 1;
        }
    }

    private void requirePhase(Phase expected, String what) throws BackendLoginException {
        if (phase != expected) {
            throw new BackendLoginException("backend sent " + what + " out of order (login state " + phase + ")");
        }
    }

    private void requirePassword(String method) throws BackendLoginException {
        if (passthrough != null) {
            boolean answers = passthrough instanceof PassthroughSecret.ScramKeys
                    ? MessageTypes.SCRAM_SHA_256.equals(method) : "md5 password".equals(method);
            if (!answers) {
                throw new BackendLoginException("backend asked for " + method + " authentication for user \"" + user
                        + "\", who logged in with " + (passthrough instanceof PassthroughSecret.ScramKeys
                        ? "SCRAM-SHA-256" : "md5") + " against the verifier the authQuery returned; only that method can "
                        + "be passed through to the backend");
            }
            return;
        }
        if (password == null) {
            throw new BackendLoginException("backend asked for " + method + " authentication for user \"" + user
                    + "\", but no backend password is configured");
        }
    }

    private static BackendLoginException unsupported(String method) {
        return new BackendLoginException("backend asked for " + method + " authentication, which Portcullis does not support");
    }

    private static byte[] cString(String value, String what) throws BackendLoginException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (b == 0) {
                throw new BackendLoginException("the " + what + " contains a NUL character, which the protocol cannot carry");
            }
        }
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private static void writeInt32(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
