package io.portcullis.observe;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whether a served certificate chain is usable at a given instant, and whether its end is near.
 * A pure function of chain, time and warning period, so that expiry can be tested without waiting.
 *
 * @param valid every certificate of the chain is within its validity period
 * @param notAfter the earliest end of validity in the chain (the one that breaks handshakes first)
 * @param timeLeft from now to {@code notAfter}; negative once expired
 * @param expiresSoon valid, but with less than the warning period left
 * @param problem why it is not valid, or {@code null}
 */
public record CertificateValidity(boolean valid, Instant notAfter, Duration timeLeft, boolean expiresSoon,
                                  String problem) {

    /** Judges {@code chain} (server certificate first) at {@code now}. */
    public static CertificateValidity of(List<X509Certificate> chain, Instant now, Duration warning) {
        Instant earliestEnd = null;
        String problem = null;
        for (X509Certificate certificate : chain) {
            Instant notBefore = certificate.getNotBefore().toInstant();
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (earliestEnd == null || notAfter.isBefore(earliestEnd)) {
                earliestEnd = notAfter;
            }
            if (problem == null && now.isAfter(notAfter)) {
                problem = "certificate '" + certificate.getSubjectX500Principal().getName() + "' expired at " + notAfter;
            } else if (problem == null && now.isBefore(notBefore)) {
                problem = "certificate '" + certificate.getSubjectX500Principal().getName() + "' is not valid before "
                        + notBefore;
            }
        }
        if (earliestEnd == null) {
            return new CertificateValidity(false, null, Duration.ZERO, false, "no certificate is loaded");
        }
        Duration left = Duration.between(now, earliestEnd);
        boolean valid = problem == null;
        return new CertificateValidity(valid, earliestEnd, left, valid && left.compareTo(warning) < 0, problem);
    }
}
