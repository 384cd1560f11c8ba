package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * What makes two prepared statements the same statement on a backend: the query text and the
 * parameter type OIDs, that is a Parse body after its name. Two keys are equal when the SHA-256
 * digests of those bytes are, so a lookup compares 32 bytes however long the query is, and no
 * client can craft a query that would be taken for another client's statement. Immutable.
 */
final class StatementKey {

    private final Buffer definition;
    private final byte[] digest;
    private final int hash;

    private StatementKey(Buffer definition, byte[] digest) {
        this.definition = definition;
        this.digest = digest;
        this.hash = Arrays.hashCode(digest);
    }

    /**
     * @param parseBody       a whole Parse body
     * @param definitionStart index of the query text (just after the statement name's NUL)
     * @param sha256          a SHA-256 digest of the caller's own (not thread-safe)
     */
    static StatementKey of(Buffer parseBody, int definitionStart, MessageDigest sha256) {
        Buffer definition = parseBody.getBuffer(definitionStart, parseBody.length());
        sha256.reset();
        sha256.update(definition.getByteBuf().nioBuffer());
        return new StatementKey(definition, sha256.digest());
    }

    /** Query text, parameter count and parameter type OIDs, as the client sent them. Do not modify. */
    Buffer definition() {
        return definition;
    }

    /** Bytes this key holds, for the per-session limit. */
    int size() {
        return definition.length();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StatementKey key && (key == this || Arrays.equals(key.digest, digest));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "statement(" + definition.length() + " bytes)";
    }
}
