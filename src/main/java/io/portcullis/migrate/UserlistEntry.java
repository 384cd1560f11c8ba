package io.portcullis.migrate;

/**
 * One line of {@code userlist.txt}. {@link #toString()} hides the secret.
 *
 * @param file   the file name reports use
 * @param line   1-based line number
 * @param user   the user name, unquoted
 * @param secret a clear-text password, an md5 hash or a SCRAM verifier, unquoted
 */
public record UserlistEntry(String file, int line, String user, String secret) {

    /** What the second field of a userlist line holds. */
    public enum SecretKind { PLAIN, MD5, SCRAM }

    private static final int MD5_HASH_LENGTH = 35;
    private static final String SCRAM_PREFIX = "SCRAM-SHA-256$";

    /** PgBouncer's own test: {@code md5} and 32 more characters is a hash, anything else {@code SCRAM-SHA-256$...} or plain. */
    public SecretKind kind() {
        if (secret.length() == MD5_HASH_LENGTH && secret.startsWith("md5")) {
            return SecretKind.MD5;
        }
        if (secret.startsWith(SCRAM_PREFIX)) {
            return SecretKind.SCRAM;
        }
        return SecretKind.PLAIN;
    }

    @Override
    public String toString() {
        return "UserlistEntry[" + file + ":" + line + " user=" + user + " secret=" + ConnectionString.HIDDEN + "]";
    }
}
