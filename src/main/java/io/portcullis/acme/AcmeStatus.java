package io.portcullis.acme;

import io.portcullis.config.AcmeChallengeType;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/tls/acme} shows: the request, the account, each domain's state and the order in progress.
 * Never a secret (no key, no HMAC key; the directory CA only as whether one is set).
 *
 * @param directoryUrl        the CA's directory
 * @param email               the account's contact, or null
 * @param domains             the managed domain set
 * @param certificateName     the named (SNI) certificate it is served as, or null for the default certificate
 * @param challengeType       how the CA validates each name
 * @param directoryCaSet      whether the directory's HTTPS is checked against directoryCaPem
 * @param account             the account at the CA
 * @param domainStates        each domain's state
 * @param order               the order in progress, or null
 * @param lastError           why the last attempt failed, in words, or null
 * @param consecutiveFailures attempts failed in a row
 * @param nextAttempt         when the next attempt (order or renewal check) runs
 */
public record AcmeStatus(String directoryUrl, String email, List<String> domains, String certificateName,
                         AcmeChallengeType challengeType, boolean directoryCaSet, Account account,
                         List<DomainState> domainStates, OrderInProgress order, String lastError, int consecutiveFailures,
                         Instant nextAttempt) {

    /**
     * @param registered              whether the account exists at the CA
     * @param location                its URL, or null
     * @param externalAccountBinding  whether it is (to be) registered with an external account binding
     */
    public record Account(boolean registered, String location, boolean externalAccountBinding) {
    }

    /**
     * @param name        the DNS name
     * @param state       {@code pending} (no certificate for it yet, or an order running), {@code valid} (served),
     *                    {@code failed} (the last attempt failed and no certificate covers it), {@code expired} (the
     *                    served certificate covering it has expired: renewals failed for its whole last third)
     * @param validUntil  the served certificate's end for this name, or null
     * @param nextRenewal when it will be renewed, or null
     * @param lastError   why the CA did not validate it, in words, or null
     */
    public record DomainState(String name, String state, Instant validUntil, Instant nextRenewal, String lastError) {
    }

    /**
     * @param domains   what is ordered
     * @param startedAt when (null when another replica runs it)
     * @param step      what it waits for, in words
     * @param replica   the replica running it (with a shared store, one at a time)
     */
    public record OrderInProgress(List<String> domains, Instant startedAt, String step, String replica) {
    }
}
