package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Automatic certificates (ACME, RFC 8555): what {@code PUT /api/v1/tls/acme} asked for, and the account registered
 * for it. Kept in {@link TlsConfig}, so it survives a restart and every replica sharing the store sees it. The
 * account key is sealed by {@link SecretBox}, bound by {@link SecretBinding#acmeAccountKey} to the directory URL it was
 * registered with; the external account binding's HMAC key, needed only until the account exists, is sealed for
 * {@link SecretBinding#acmeEabKey} and dropped once the account is registered.
 *
 * @param directoryUrl     the CA's ACME directory, https
 * @param email            the account's contact address
 * @param domains          the DNS names of the one certificate managed, in the order given
 * @param directoryCaPem   CA certificates (PEM) trusted for the directory's HTTPS instead of the JDK's, or null
 * @param certificateName  null: the managed certificate is the default one; else it is served by SNI as the named
 *                         certificate of that name ({@link NamedCertificate})
 * @param eabKeyId         the external account binding's key id, or null
 * @param sealedEabHmacKey its HMAC key (base64url), sealed; null without binding or once the account exists
 * @param accountLocation  the account's URL at the CA, null until registered
 * @param sealedAccountKey the account's key pair (PKCS#8, PEM), sealed; null until generated
 * @param lease            the replica running an order now, and until when its claim holds; null when none does. With a
 *                         shared store, exactly one replica runs an order at a time: it takes the lease in a store write
 *                         (which the store serializes), renews nothing, and gives it back when the order ends
 * @param challenges       HTTP-01 tokens of the order in progress and their key authorizations (public by design: the
 *                         CA fetches them over plain HTTP), so every replica sharing the store answers whichever one
 *                         the CA reaches; empty when no challenge waits
 * @param challengeType    how the CA validates each name; null (a store written before TLS-ALPN-01) means HTTP-01
 * @param alpnChallenges   TLS-ALPN-01 challenges of the order in progress: domain to key authorization (public as well:
 *                         its SHA-256 is in the challenge certificate every validation sees), from which every replica
 *                         makes the challenge certificate; empty when none waits
 */
public record AcmeConfig(String directoryUrl, String email, List<String> domains, String directoryCaPem,
                         String certificateName, String eabKeyId, String sealedEabHmacKey, String accountLocation,
                         String sealedAccountKey,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Lease lease,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> challenges,
                         @JsonInclude(JsonInclude.Include.NON_NULL) AcmeChallengeType challengeType,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> alpnChallenges) {

    /**
     * A replica's claim to run the order.
     *
     * @param holder           which replica (host name, process id and a random suffix)
     * @param untilEpochMillis when the claim lapses if the holder never gives it back (it stopped mid-order)
     */
    public record Lease(String holder, long untilEpochMillis) {
    }

    public AcmeConfig {
        domains = domains == null ? List.of() : List.copyOf(domains);
        challenges = challenges == null ? Map.of() : Map.copyOf(challenges);
        alpnChallenges = alpnChallenges == null ? Map.of() : Map.copyOf(alpnChallenges);
    }

    /** A request validated by HTTP-01, without account, lease or challenges yet. */
    public AcmeConfig(String directoryUrl, String email, List<String> domains, String directoryCaPem,
                      String certificateName, String eabKeyId, String sealedEabHmacKey, String accountLocation,
                      String sealedAccountKey) {
        this(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, sealedEabHmacKey, accountLocation,
                sealedAccountKey, null, Map.of(), null, Map.of());
    }

    /** How the CA validates each name: HTTP-01 unless TLS-ALPN-01 was asked for. */
    public AcmeChallengeType challenge() {
        return challengeType == null ? AcmeChallengeType.HTTP_01 : challengeType;
    }

    /** Validated by {@code type} (HTTP-01 is stored as null: the form a store written before TLS-ALPN-01 has). */
    public AcmeConfig withChallengeType(AcmeChallengeType type) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, sealedEabHmacKey,
                accountLocation, sealedAccountKey, lease, challenges, type == AcmeChallengeType.HTTP_01 ? null : type,
                alpnChallenges);
    }

    /** With these TLS-ALPN-01 challenges published (domain to key authorization). */
    public AcmeConfig withAlpnChallenges(Map<String, String> newChallenges) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, sealedEabHmacKey,
                accountLocation, sealedAccountKey, lease, challenges, challengeType, newChallenges);
    }

    /** With the account registered: its URL and sealed key; the binding's HMAC key is no longer kept. */
    public AcmeConfig withAccount(String location, String sealedKey) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, null, location,
                sealedKey, lease, challenges, challengeType, alpnChallenges);
    }

    /** With the order claimed by {@code newLease}, or by nobody ({@code null}). */
    public AcmeConfig withLease(Lease newLease) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, sealedEabHmacKey,
                accountLocation, sealedAccountKey, newLease, challenges, challengeType, alpnChallenges);
    }

    /** With these HTTP-01 tokens published (token to key authorization). */
    public AcmeConfig withChallenges(Map<String, String> newChallenges) {
        return new AcmeConfig(directoryUrl, email, domains, directoryCaPem, certificateName, eabKeyId, sealedEabHmacKey,
                accountLocation, sealedAccountKey, lease, newChallenges, challengeType, alpnChallenges);
    }

    /** Whether {@code other} asks for the same certificate from the same CA (the account aside). */
    public boolean sameOrder(AcmeConfig other) {
        return other != null && directoryUrl.equals(other.directoryUrl) && domains.equals(other.domains)
                && java.util.Objects.equals(certificateName, other.certificateName) && challenge() == other.challenge();
    }

    /** Leaves the sealed values and the PEM out. */
    @Override
    public String toString() {
        return "AcmeConfig[directoryUrl=" + directoryUrl + ", domains=" + domains + ", certificateName=" + certificateName
                + ", challengeType=" + challenge().wireName() + ", account=" + accountLocation + ", lease=" + lease
                + ", challenges=" + (challenges.size() + alpnChallenges.size()) + "]";
    }
}
