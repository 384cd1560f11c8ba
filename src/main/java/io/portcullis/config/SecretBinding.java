package io.portcullis.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a sealed secret belongs to. {@link SecretBox} authenticates it with the ciphertext (AES-GCM
 * associated data), so a sealed value opens only for the database, backend address and user it was
 * sealed for: copied to another database, or left in place while the database is re-pointed at
 * another host (by the API or by editing the stored configuration), it does not open, and the
 * secret never reaches a backend it was not meant for.
 *
 * @param purpose  what the secret is, part of the binding so that a sealed password cannot pass for a key
 * @param database the database's name
 * @param host     the backend host; for a database with several hosts, the sorted comma-joined list of its
 *                 {@code host:port} addresses
 * @param port     the backend port; 0 for a database with several hosts
 * @param user     the backend user, or {@code ""} when the secret does not depend on it (the TLS client key)
 *
 * <p>The gateway's own TLS keys belong to no database: for them {@code database}, {@code port} and
 * {@code user} are empty and {@code host} carries what the key belongs to (the SHA-256 fingerprint of the
 * server certificate), see {@link #listenerKey} and {@link #pendingKey}.
 */
public record SecretBinding(Purpose purpose, String database, String host, int port, String user) {

    /** The kinds of sealed secret, each with a fixed label in the associated data. */
    public enum Purpose {
        BACKEND_PASSWORD("backend-password", "backend password"),
        SERVER_KEY("server-key", "TLS client key (serverKey)"),
        LISTENER_KEY("listener-key", "key of the gateway's server certificate"),
        PENDING_KEY("pending-key", "key of the pending certificate signing request"),
        ACME_ACCOUNT_KEY("acme-account-key", "ACME account key"),
        ACME_EAB_KEY("acme-eab-key", "ACME external account binding key");

        private final String label;
        private final String words;

        Purpose(String label, String words) {
            this.label = label;
            this.words = words;
        }
    }

    /** Version label of the associated-data layout; a new layout gets a new label and sealed-value prefix. */
    private static final String LAYOUT = "portcullis/sealed-secret/v2";

    public SecretBinding {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
    }

    /** The backend password: bound to the database, host, port and user it logs in as. */
    public static SecretBinding backendPassword(String database, String host, int port, String user) {
        return new SecretBinding(Purpose.BACKEND_PASSWORD, database, host, port, user);
    }

    /**
     * The backend password of {@code db}: bound to its host and port, or for a database with several hosts to the
     * sorted set of its addresses ({@link DatabaseConfig#bindingHost()}, port 0), so it opens only while the list
     * names the same places.
     */
    public static SecretBinding backendPassword(DatabaseConfig db) {
        return backendPassword(db.name(), db.bindingHost(), db.bindingPort(), db.user());
    }

    /**
     * The private key of the TLS client certificate: bound to the database, host and port (a change of
     * backend user does not send it anywhere new).
     */
    public static SecretBinding serverKey(String database, String host, int port) {
        return new SecretBinding(Purpose.SERVER_KEY, database, host, port, "");
    }

    /** The TLS client key of {@code db}: bound like {@link #backendPassword(DatabaseConfig)}, without the user. */
    public static SecretBinding serverKey(DatabaseConfig db) {
        return serverKey(db.name(), db.bindingHost(), db.bindingPort());
    }

    /**
     * The key of the server certificate the wire listener serves: bound to that certificate's SHA-256
     * fingerprint, so a sealed key opens only beside the certificate it was stored with.
     */
    public static SecretBinding listenerKey(String certificateSha256) {
        return new SecretBinding(Purpose.LISTENER_KEY, "", Objects.requireNonNull(certificateSha256), 0, "");
    }

    /** The key of the pending certificate signing request (one at a time, so bound to its purpose only). */
    public static SecretBinding pendingKey() {
        return new SecretBinding(Purpose.PENDING_KEY, "", "", 0, "");
    }

    /**
     * The key of the ACME account registered at {@code directoryUrl}: a sealed account key opens only for the CA it
     * belongs to, so pointing the configuration at another directory cannot make the gateway sign for it there.
     */
    public static SecretBinding acmeAccountKey(String directoryUrl) {
        return new SecretBinding(Purpose.ACME_ACCOUNT_KEY, "", Objects.requireNonNull(directoryUrl), 0, "");
    }

    /** The HMAC key of an ACME external account binding: bound to the directory and the key id it was given with. */
    public static SecretBinding acmeEabKey(String directoryUrl, String keyId) {
        return new SecretBinding(Purpose.ACME_EAB_KEY, "", Objects.requireNonNull(directoryUrl), 0,
                Objects.requireNonNull(keyId));
    }

    /** "the backend password of database 'orders'", for messages (never the value). */
    public String describe() {
        return switch (purpose) {
            case LISTENER_KEY, PENDING_KEY, ACME_ACCOUNT_KEY, ACME_EAB_KEY -> "the stored " + purpose.words;
            default -> "the " + purpose.words + " of database '" + database + "'";
        };
    }

    /**
     * The associated data: a layout label, then each field as a 4-byte length and its UTF-8 bytes, so that
     * no two different bindings encode alike (a host ending where a user begins cannot shift).
     */
    byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (String field : new String[] {LAYOUT, purpose.label, database, host, Integer.toString(port), user}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 24);
            out.write(bytes.length >>> 16);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
