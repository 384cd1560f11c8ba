package io.portcullis.tls;

import io.portcullis.config.ServerTls;

import java.util.Objects;

/**
 * How Portcullis does TLS towards one backend, decided from the database's {@code serverTls},
 * {@code serverCa}, client certificate and the process-wide default ({@link BackendTlsDefaults}), with
 * libpq's meanings:
 *
 * <table>
 *   <caption>what is checked</caption>
 *   <tr><th>serverTls</th><th>certificate chain</th><th>host name</th></tr>
 *   <tr><td>prefer</td><td>no</td><td>no</td></tr>
 *   <tr><td>require</td><td>only against the database's serverCa, when it has one</td><td>no</td></tr>
 *   <tr><td>verify-ca</td><td>serverCa, else the default CA file or the JDK trust store; refused when neither is
 *       configured</td><td>no</td></tr>
 *   <tr><td>verify-full</td><td>as verify-ca</td><td>yes: a subjectAltName (DNS or IP) must match the database's host</td></tr>
 * </table>
 *
 * @param mode           the database's serverTls (never {@code disable}: no TLS, no profile)
 * @param ca             the CA certificates to trust, or null
 * @param trustSystem    trust the JDK's trust store (when {@code ca} is null)
 * @param verifyHostName check the certificate's names against the host (verify-full)
 * @param client         the client certificate and key to present, or null
 */
public record BackendTlsProfile(ServerTls mode, BackendCa ca, boolean trustSystem, boolean verifyHostName,
                                TlsMaterial client) {

    public BackendTlsProfile {
        Objects.requireNonNull(mode, "mode");
        if (!mode.requestsTls()) {
            throw new IllegalArgumentException("serverTls disable has no TLS profile");
        }
    }

    /**
     * Decides the profile of a database.
     *
     * @param database          the database's name, for messages
     * @param serverCaPem       its serverCa, or null
     * @param certificatePem    its serverCertificate, or null
     * @param keyPem            the clear private key of {@code certificatePem}, or null
     * @throws CertificateMaterialException saying what is wrong: unreadable material, a key that does not match,
     *                                      an expired client certificate, verify-* with nothing to trust
     */
    public static BackendTlsProfile of(String database, ServerTls mode, String serverCaPem, String certificatePem,
                                       String keyPem, BackendTlsDefaults defaults) {
        BackendCa ca = serverCaPem == null ? null : BackendCa.parse(serverCaPem, "serverCa");
        boolean system = false;
        if (mode.verifiesChain() && ca == null) {
            if (defaults.ca().isPresent()) {
                ca = defaults.ca().get();
            } else if (defaults.trustsSystem()) {
                system = true;
            } else {
                throw new CertificateMaterialException("database '" + database + "': serverTls " + mode.wireName()
                        + " needs the CA certificates to trust: set serverCa on the database, or "
                        + BackendTlsDefaults.CA_FILE + " (a PEM file, or '" + BackendTlsDefaults.SYSTEM
                        + "' for the JDK's trust store)");
            }
        }
        TlsMaterial client = null;
        if (certificatePem != null) {
            if (keyPem == null) {
                throw new CertificateMaterialException("database '" + database + "': serverCertificate needs its private key (serverKey)");
            }
            try {
                client = TlsMaterial.parse(certificatePem, keyPem);
            } catch (CertificateMaterialException e) {
                throw new CertificateMaterialException("serverCertificate/serverKey: " + e.getMessage(), e);
            }
        }
        return new BackendTlsProfile(mode, ca, system, mode == ServerTls.VERIFY_FULL, client);
    }

    /** Encryption without any certificate check (prefer, or require without a serverCa). */
    public boolean trustAll() {
        return ca == null && !trustSystem;
    }

    /** Names what is trusted, never key material. */
    @Override
    public String toString() {
        return "BackendTlsProfile[" + mode.wireName() + ", trust=" + (ca != null ? ca : trustSystem ? "system" : "any")
                + ", verifyHostName=" + verifyHostName + ", client=" + (client == null ? "none" : client.info().subject()) + "]";
    }
}
