package io.portcullis.api;

import io.portcullis.config.AuthLookup;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.tls.BackendCa;
import io.portcullis.tls.BackendTlsDefaults;
import io.portcullis.tls.BackendTlsProfile;
import io.portcullis.tls.CertificateMaterialException;
import io.portcullis.tls.TlsMaterial;

/**
 * One {@code PUT /api/v1/databases/{name}}, in two steps: {@link #prepare} checks the body, parses its TLS
 * material and seals its secrets (slow, so before the store's lock); {@link #apply} decides against the stored
 * database what is kept, inside the lock.
 *
 * <p>The rule for kept secrets: a stored secret only goes where it was set. A password is kept only while
 * host, port and user stay (the lookup's {@code authPassword} while host, port and {@code authUser} stay); a TLS client key only while host and port stay (and only with a certificate). For a
 * database with several hosts "host and port" is the set of its addresses: reordering the list keeps the secrets,
 * adding or changing an address needs them again (so a list cannot be pointed at another host to receive them).
 * Otherwise the request must carry it again, and is refused with a 400 naming the field if it does not; the
 * sealed values are bound to the same things ({@link SecretBinding}), so this is also what the store enforces.
 */
final class DatabaseWrite {

    private final String name;
    private final DatabaseRequest body;
    private final String sealedPassword;
    private final String serverCaPem;
    private final String certificatePem;
    private final TlsMaterial newClient;
    private final String sealedServerKey;
    private final String sealedAuthPassword;

    private DatabaseWrite(String name, DatabaseRequest body, String sealedPassword, String serverCaPem,
                          String certificatePem, TlsMaterial newClient, String sealedServerKey,
                          String sealedAuthPassword) {
        this.sealedAuthPassword = sealedAuthPassword;
        this.name = name;
        this.body = body;
        this.sealedPassword = sealedPassword;
        this.serverCaPem = serverCaPem;
        this.certificatePem = certificatePem;
        this.newClient = newClient;
        this.sealedServerKey = sealedServerKey;
    }

    /** @throws ApiProblem 400 naming the field at fault */
    static DatabaseWrite prepare(String name, DatabaseRequest body, SecretBox secrets) {
        body.requireBackend(name);
        body.checkPassword();
        // The draft says where the secrets go: one host and port, or the set of a host list (SecretBinding).
        DatabaseConfig target = body.toConfig(name, null, null, null, null);
        String password = body.password() == null || body.password().isEmpty() ? null
                : secrets.seal(body.password(), SecretBinding.backendPassword(target));
        // The lookup's password is bound as a password of its own user at the same addresses.
        String authPassword = body.authUser() == null || body.authPassword() == null || body.authPassword().isEmpty()
                ? null : secrets.seal(body.authPassword(), SecretBinding.backendPassword(
                        target.withAuthLookup(body.authLookup(null)).forAuthLookup()));
        String ca = blankToNull(body.serverCa());
        String caPem = ca == null ? null : parse("serverCa", () -> BackendCa.parse(ca, "serverCa").pem());
        String certificate = blankToNull(body.serverCertificate());
        String key = body.serverKey();
        if (certificate == null && key != null && !key.isEmpty()) {
            throw ApiProblem.badRequest("serverKey needs the certificate it belongs to: send serverCertificate too");
        }
        TlsMaterial client = null;
        String sealedKey = null;
        if (certificate != null && key != null && !key.isEmpty()) {
            client = parse("serverCertificate/serverKey", () -> TlsMaterial.parse(certificate, key));
            sealedKey = secrets.seal(client.privateKeyPem(), SecretBinding.serverKey(target));
        }
        return new DatabaseWrite(name, body, password, caPem, client == null ? certificate : client.certificateChainPem(),
                client, sealedKey, authPassword);
    }

    /**
     * The database to store.
     *
     * @param existing the stored database of this name, or null
     * @throws ApiProblem 400 when a kept secret would follow the database to another backend, or the TLS settings
     *                    cannot be used
     */
    DatabaseConfig apply(DatabaseConfig existing, SecretBox secrets, BackendTlsDefaults defaults) {
        DatabaseConfig draft = body.toConfig(name, null, serverCaPem, certificatePem, null);
        String password = sealedPassword;
        if (body.password() == null && existing != null && existing.hasPassword()) {
            if (!existing.sameLogin(draft)) {
                throw ApiProblem.badRequest("password is required: this change moves database '" + name + "' from "
                        + existing.user() + "@" + existing.backendAddress() + " to " + draft.user() + "@"
                        + draft.backendAddress() + ", and the stored password is only ever sent where it was set; "
                        + "send it again (or \"\" for none)");
            }
            password = existing.sealedPassword();
        }
        String key = sealedServerKey;
        String clearKey = newClient == null ? null : newClient.privateKeyPem();
        if (certificatePem != null && newClient == null) {
            if (body.serverKey() != null || existing == null || !existing.hasServerKey()) {
                throw ApiProblem.badRequest("serverCertificate needs its private key: send serverKey too");
            }
            if (!existing.sameAddress(draft)) {
                throw ApiProblem.badRequest("serverKey is required: this change moves database '" + name + "' from "
                        + existing.backendAddress() + " to " + draft.backendAddress() + ", and the stored TLS client "
                        + "key is only ever used where it was set; send it again");
            }
            key = existing.sealedServerKey();
            clearKey = secrets.open(key, SecretBinding.serverKey(existing));
        }
        String authPassword = sealedAuthPassword;
        AuthLookup stored = existing == null ? null : existing.authLookup();
        if (body.authUser() != null && body.authPassword() == null && stored != null && stored.hasPassword()) {
            DatabaseConfig lookup = draft.withAuthLookup(body.authLookup(null)).forAuthLookup();
            if (!existing.forAuthLookup().sameLogin(lookup)) {
                throw ApiProblem.badRequest("authPassword is required: this change moves the user lookup of database '"
                        + name + "' from " + stored.user() + "@" + existing.backendAddress() + " to " + lookup.user()
                        + "@" + lookup.backendAddress() + ", and the stored password is only ever sent where it was "
                        + "set; send it again (or \"\" for none)");
            }
            authPassword = stored.sealedPassword();
        }
        DatabaseConfig db = body.toConfig(name, password, serverCaPem, certificatePem, key, authPassword);
        if (db.serverTls().requestsTls()) {
            // What the pool will build: refuses verify-* with nothing to trust, and a kept key that does not
            // belong to a new certificate.
            String checkedKey = clearKey;
            parse("serverTls", () -> BackendTlsProfile.of(name, db.serverTls(), serverCaPem, certificatePem, checkedKey,
                    defaults));
        }
        return db;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (CertificateMaterialException e) {
            throw ApiProblem.badRequest(field + ": " + e.getMessage());
        }
    }
}
