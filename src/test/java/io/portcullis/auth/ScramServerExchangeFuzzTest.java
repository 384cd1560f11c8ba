package io.portcullis.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portcullis.auth.AuthenticationFailure.Reason;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes the server side of SCRAM-SHA-256 with the two messages an unauthenticated client controls,
 * running a real exchange (a verifier made by PostgreSQL for the password {@code secret}) and the mock
 * exchange for an unknown user side by side on the same input, with the same fixed server nonce so
 * the fuzzer can reach the proof check.
 *
 * <p>Invariants: only {@link AuthenticationFailure} escapes; the mock never succeeds; the mock answers
 * client-first exactly like the real exchange in shape (same length and attributes, other salt) and
 * fails at the same step for the same reason, except that where the real exchange finds a wrong
 * password or succeeds, the mock reports an unknown user. So nothing a client sends tells a
 * missing user from a wrong password.
 *
 * <p>Input: {@code flags | client-first | NUL | client-final}; bit 0 of {@code flags} sends no
 * client-first data at all (a SASLInitialResponse with length -1). Regression inputs:
 * {@code src/test/resources/io/portcullis/auth/ScramServerExchangeFuzzTestInputs/clientMessages/}.
 */
class ScramServerExchangeFuzzTest {

    /** Made by PostgreSQL 15 for password "secret" (as in {@code ScramServerExchangeTest}). */
    private static final String POSTGRES_VERIFIER = "SCRAM-SHA-256$4096:Ap4sVF7Bn3kMSmpmrf+GNg==$"
            + "Yg3ctuON6o1ID4XS+HpTwXfW60tLGwN6MA/vhEKQfhc=:Rj3FksrEGIsNXJVphQnAHemUAHJ87sWZivZTjTCBaoI=";
    /** Fixed, so that seeds can carry a matching client-final; as long as a real one (24 characters). */
    static final String SERVER_NONCE = "FuzzServerNonceFuzzServe";
    private static final byte[] MOCK_SECRET = "a per-process secret of 32 bytes".getBytes(StandardCharsets.US_ASCII);
    private static final int NO_CLIENT_FIRST = 1;

    /** Where an exchange ended: the step and the reason, or success. */
    private record Ending(String step, Reason reason) {
        static final Ending SUCCESS = new Ending("final", null);
    }

    @FuzzTest
    void clientMessages(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte flags = input[0];
        int separator = indexOf(input, 1, (byte) 0);
        byte[] clientFirst = (flags & NO_CLIENT_FIRST) != 0 ? null
                : Arrays.copyOfRange(input, 1, separator < 0 ? input.length : separator);
        byte[] clientFinal = separator < 0 ? new byte[0] : Arrays.copyOfRange(input, separator + 1, input.length);

        Supplier<String> nonces = () -> SERVER_NONCE;
        ScramServerExchange real = new ScramServerExchange(ScramVerifier.parse(POSTGRES_VERIFIER), false, nonces);
        ScramServerExchange mock = ScramServerExchange.forUnknownUser("fuzz", MOCK_SECRET, PasswordVerifiers.DEFAULT_SCRAM_ITERATIONS, nonces);

        byte[][] serverFirst = new byte[2][];
        Ending realEnding = run(real, clientFirst, clientFinal, serverFirst, 0);
        Ending mockEnding = run(mock, clientFirst, clientFinal, serverFirst, 1);

        if (serverFirst[0] != null) {
            assertNotNull(serverFirst[1], "the mock refused a client-first the real exchange answered");
            assertEquals(serverFirst[0].length, serverFirst[1].length, "server-first differs in length for an unknown user");
            assertArrayEquals(shape(serverFirst[0]), shape(serverFirst[1]), "server-first differs in shape for an unknown user");
        }
        Ending expectedMock = realEnding.equals(Ending.SUCCESS) || realEnding.reason() == Reason.WRONG_PASSWORD
                ? new Ending("final", Reason.UNKNOWN_USER) : realEnding;
        assertEquals(expectedMock, mockEnding, "an unknown user ends differently from a known one");
    }

    private static Ending run(ScramServerExchange exchange, byte[] clientFirst, byte[] clientFinal,
                              byte[][] serverFirst, int slot) {
        try {
            serverFirst[slot] = exchange.clientFirst(clientFirst);
        } catch (AuthenticationFailure failure) {
            return new Ending("first", failure.reason());
        }
        try {
            byte[] serverFinal = exchange.clientFinal(clientFinal);
            assertNotNull(serverFinal);
            return Ending.SUCCESS;
        } catch (AuthenticationFailure failure) {
            return new Ending("final", failure.reason());
        }
    }

    /** The message with every base64 value character replaced: what may not differ between real and mock. */
    private static byte[] shape(byte[] message) {
        byte[] shape = message.clone();
        String text = new String(message, StandardCharsets.US_ASCII);
        int salt = text.indexOf(",s=") + 3;
        int end = text.indexOf(',', salt);
        Arrays.fill(shape, salt, end, (byte) '*');
        return shape;
    }

    private static int indexOf(byte[] bytes, int from, byte value) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
