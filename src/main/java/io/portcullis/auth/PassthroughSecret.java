package io.portcullis.auth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a client's own login leaves Portcullis to log in to the backend as that client, for users looked up in the
 * backend ({@code authQuery}): never the password, which Portcullis does not see, but what the backend's stored
 * verifier lets the client's proof give away.
 * <ul>
 *   <li>{@link ScramKeys}: the SCRAM-SHA-256 ClientKey recovered from the client's proof (proof XOR ClientSignature)
 *       and the verifier's ServerKey. They answer the backend's SCRAM exchange for that role without the salt, as
 *       long as the backend keeps the verifier they came from.</li>
 *   <li>{@link Md5Hash}: the stored {@code md5...} hash, which answers an md5 challenge by itself.</li>
 * </ul>
 * Held in memory only, with the pool of that (database, user); {@link #toString()} never shows a key.
 */
public sealed interface PassthroughSecret {

    /** A SCRAM-SHA-256 ClientKey and ServerKey, 32 bytes each. */
    record ScramKeys(byte[] clientKey, byte[] serverKey) implements PassthroughSecret {
        public ScramKeys {
            if (clientKey.length != ScramVerifier.KEY_BYTES || serverKey.length != ScramVerifier.KEY_BYTES) {
                throw new IllegalArgumentException("SCRAM-SHA-256 keys are " + ScramVerifier.KEY_BYTES + " bytes");
            }
            clientKey = clientKey.clone();
            serverKey = serverKey.clone();
        }

        @Override
        public byte[] clientKey() {
            return clientKey.clone();
        }

        @Override
        public byte[] serverKey() {
            return serverKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScramKeys k && Arrays.equals(clientKey, k.clientKey) && Arrays.equals(serverKey, k.serverKey);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(clientKey) + Arrays.hashCode(serverKey);
        }

        @Override
        public String toString() {
            return "ScramKeys[hidden]";
        }
    }

    /** An md5 hash as PostgreSQL stores it: {@code md5} and 32 hex digits. */
    record Md5Hash(String hash) implements PassthroughSecret {
        public Md5Hash {
            if (!Md5Challenge.isMd5Hash(Objects.requireNonNull(hash, "hash"))) {
                throw new IllegalArgumentException("not an md5 hash");
            }
        }

        @Override
        public String toString() {
            return "Md5Hash[hidden]";
        }
    }
}
