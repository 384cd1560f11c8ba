package io.portcullis.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.portcullis.auth.AuthenticationFailure.Reason;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks a password a client sent in clear (AuthenticationCleartextPassword, asked for only where TLS protects it)
 * against what is stored instead of it: the md5 hash of an md5 user, else the SCRAM-SHA-256 verifier. A user that
 * does not exist, or has neither, costs the same key derivation as a SCRAM user before it fails, so the time of the
 * answer does not tell an unknown user from a SCRAM one. An md5 user is answered sooner (one hash), which tells
 * no more than the md5 challenge already tells a TCP client.
 *
 * <p>Slow by design (a SCRAM key derivation of the verifier's iterations): call off the event loop.
 */
public final class CleartextPassword {

    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;

    private CleartextPassword() {
    }

    /**
     * @param storedMd5       the user's md5 hash when it logs in with md5, else null
     * @param storedScram     the user's SCRAM-SHA-256 verifier, or null
     * @param mockSecret      the secret of unknown users' mock salts ({@link ScramServerExchange#forUnknownUser})
     * @param mockIterations  the iteration count an unknown user's derivation costs
     * @return what the checked password lets Portcullis log in to the backend with as this user, should it be one looked
     *         up there (the stored md5 hash, or the SCRAM keys derived from the password)
     * @throws AuthenticationFailure a wrong password, an unknown user, or an empty password (which never matches)
     */
    public static PassthroughSecret check(String userName, String password, String storedMd5, String storedScram,
                                          byte[] mockSecret, int mockIterations) throws AuthenticationFailure {
        if (password.isEmpty()) {
            // As PostgreSQL: an empty password never authenticates, whatever is stored.
            throw new AuthenticationFailure(Reason.WRONG_PASSWORD, "the password is empty");
        }
        if (storedMd5 != null && Md5Challenge.isMd5Hash(storedMd5)) {
            byte[] expected = storedMd5.getBytes(StandardCharsets.UTF_8);
            byte[] given = PasswordVerifiers.md5(userName, password).getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, given)) {
                throw new AuthenticationFailure(Reason.WRONG_PASSWORD, "the password does not match the stored md5 hash");
            }
            return new PassthroughSecret.Md5Hash(storedMd5);
        }
        boolean known = ScramVerifier.isScramSha256(storedScram);
        ScramVerifier verifier = known ? ScramVerifier.parse(storedScram) : null;
        byte[] salt = known ? verifier.salt() : ScramServerExchange.mockSalt(userName, mockSecret);
        int iterations = known ? verifier.iterations() : mockIterations;
        byte[] salted = ScramFunctions.saltedPassword(SHA_256, StringPreparation.POSTGRESQL_PREPARATION,
                password.toCharArray(), salt, iterations);
        byte[] clientKey = ScramFunctions.clientKey(SHA_256, salted);
        byte[] storedKey = ScramFunctions.storedKey(SHA_256, clientKey);
        if (!known) {
            throw new AuthenticationFailure(Reason.UNKNOWN_USER, "no such user, or it has no SCRAM verifier");
        }
        if (!MessageDigest.isEqual(verifier.storedKey(), storedKey)) {
            throw new AuthenticationFailure(Reason.WRONG_PASSWORD, "the password does not match the SCRAM verifier");
        }
        return new PassthroughSecret.ScramKeys(clientKey, verifier.serverKey());
    }
}
