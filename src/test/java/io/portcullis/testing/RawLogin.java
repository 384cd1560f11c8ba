package io.portcullis.testing;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import io.portcullis.auth.Md5Challenge;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A password login over a {@link RawClient}, message by message, for tests that must see or time what
 * pgJDBC hides: the server-first message of SCRAM, the moment the verdict arrives, a session that then
 * misbehaves. Answers SCRAM-SHA-256 or md5, whichever the gateway asks for.
 */
public final class RawLogin {

    private static final int AUTH_OK = 0;
    private static final int AUTH_MD5 = 5;
    private static final int AUTH_SASL = 10;
    private static final int AUTH_SASL_CONTINUE = 11;
    private static final int AUTH_SASL_FINAL = 12;

    /**
     * How a login ended.
     *
     * @param error the ErrorResponse fields, or null after AuthenticationOk
     * @param serverFirst the SCRAM server-first-message, or null for md5
     * @param verdictNanos from sending the last authentication message to reading the verdict
     * @param proofSentNanos {@link System#nanoTime()} when the proof (SCRAM client-final, md5 response) was sent,
     *                       or 0 when the login ended before it
     */
    public record Result(Map<Character, String> error, String serverFirst, long verdictNanos, long proofSentNanos) {
        public boolean ok() {
            return error == null;
        }

        /** {@link System#nanoTime()} when the verdict was read. */
        public long verdictAtNanos() {
            return proofSentNanos + verdictNanos;
        }
    }

    /** A login stopped just before its proof is sent, so that a test can choose the moment. */
    public static final class Pending {
        private final RawClient raw;
        private final Result early;
        private final String serverFirst;
        private final byte[] proof;
        private long sentNanos;

        private Pending(RawClient raw, Result early, String serverFirst, byte[] proof) {
            this.raw = raw;
            this.early = early;
            this.serverFirst = serverFirst;
            this.proof = proof;
        }

        /** Sends the proof and returns at once, without waiting for the verdict. */
        public Pending sendProof() throws IOException {
            if (early == null && sentNanos == 0) {
                sentNanos = System.nanoTime();
                raw.message('p', proof);
            }
            return this;
        }

        /** Sends the proof unless that happened already, then reads the verdict. */
        public Result finish() throws IOException {
            if (early != null) {
                return early;
            }
            sendProof();
            return verdict(raw, serverFirst, sentNanos);
        }
    }

    private RawLogin() {
    }

    /** Sends the StartupMessage and answers the password request; stops after AuthenticationOk or the error. */
    public static Result login(RawClient raw, String database, String user, String password) throws Exception {
        return prepare(raw, database, user, password).finish();
    }

    /**
     * Sends the StartupMessage and everything of the password exchange but the proof. SCRAM's own user name is
     * {@code *}, as pgJDBC sends it: the gateway takes the user from the startup packet.
     */
    public static Pending prepare(RawClient raw, String database, String user, String password) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", user);
        params.put("database", database);
        raw.startup(3, 0, params);
        char type = raw.readType();
        if (type == 'E') {
            return new Pending(raw, new Result(raw.lastFields(), null, 0, 0), null, null);
        }
        ByteBuffer request = ByteBuffer.wrap(raw.lastBody());
        int code = request.getInt();
        if (code == AUTH_MD5) {
            byte[] salt = new byte[Md5Challenge.SALT_BYTES];
            request.get(salt);
            return new Pending(raw, null, null, cstring(Md5Challenge.respond(user, password, salt)));
        }
        if (code != AUTH_SASL) {
            throw new IOException("unexpected authentication request " + code);
        }
        ScramClient scram = ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username("*").password(password.toCharArray())
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION).build();
        byte[] clientFirst = scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream initial = new ByteArrayOutputStream();
        DataOutputStream body = new DataOutputStream(initial);
        body.write(cstring("SCRAM-SHA-256"));
        body.writeInt(clientFirst.length);
        body.write(clientFirst);
        raw.message('p', initial.toByteArray());
        if (raw.readType() != 'R') {
            return new Pending(raw, new Result(raw.lastFields(), null, 0, 0), null, null);
        }
        byte[] continued = raw.lastBody();
        if (ByteBuffer.wrap(continued).getInt() != AUTH_SASL_CONTINUE) {
            throw new IOException("expected AuthenticationSASLContinue");
        }
        String serverFirst = new String(Arrays.copyOfRange(continued, 4, continued.length), StandardCharsets.UTF_8);
        scram.serverFirstMessage(serverFirst);
        return new Pending(raw, null, serverFirst, scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** After a successful login: reads ParameterStatus, BackendKeyData and the first ReadyForQuery. */
    public static void readUntilReady(RawClient raw) throws IOException {
        char type;
        do {
            type = raw.readType();
            if (type == 'E') {
                throw new IOException("error instead of ReadyForQuery: " + raw.lastFields());
            }
        } while (type != 'Z');
    }

    public static byte[] cstring(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static Result verdict(RawClient raw, String serverFirst, long sentNanos) throws IOException {
        while (true) {
            char type = raw.readType();
            long elapsed = System.nanoTime() - sentNanos;
            if (type == 'E') {
                return new Result(raw.lastFields(), serverFirst, elapsed, sentNanos);
            }
            int code = ByteBuffer.wrap(raw.lastBody()).getInt();
            if (code == AUTH_OK) {
                return new Result(null, serverFirst, elapsed, sentNanos);
            }
            if (code != AUTH_SASL_FINAL) {
                throw new IOException("unexpected authentication message " + code);
            }
        }
    }
}
