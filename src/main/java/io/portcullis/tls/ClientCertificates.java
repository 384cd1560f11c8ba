package io.portcullis.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Decides, after the handshake, whether a client certificate is good enough: it must chain to the
 * configured client CA (PKIX, at the current time) and, if it restricts its use, allow client
 * authentication. Also reads the user name a certificate carries for {@code "auth":"cert"}.
 * See {@link DeferredClientTrust} for why this is not done inside the handshake.
 */
public final class ClientCertificates {

    private static final String CLIENT_AUTH_USAGE = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    /** GeneralName tags from RFC 5280 §4.2.1.6. */
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;

    private ClientCertificates() {
    }

    /**
     * Why the presented chain is refused, or {@code null} when it is accepted.
     *
     * @param presented the client's chain, its own certificate first; empty when it sent none
     * @param ca the client CA, or {@code null} when none is configured
     */
    public static String refusal(List<X509Certificate> presented, ClientCa ca, Instant now) {
        if (presented.isEmpty()) {
            return "a client certificate is required: connect with sslcert and sslkey";
        }
        if (ca == null) {
            return "no client CA is configured on the gateway, so no client certificate can be verified";
        }
        X509Certificate leaf = presented.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH_USAGE) && !usages.contains(ANY_USAGE)) {
                return "the client certificate (" + subject + ") is not for client authentication (extendedKeyUsage lacks clientAuth)";
            }
        } catch (CertificateParsingException e) {
            return "the client certificate's extendedKeyUsage cannot be read";
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate certificate : ca.certificates()) {
            anchors.add(new TrustAnchor(certificate, null));
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            List<X509Certificate> path = withoutAnchors(presented, ca);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return "the client certificate (" + subject + ") is not accepted: " + reason(e, leaf, now);
        } catch (GeneralSecurityException e) {
            return "the client certificate (" + subject + ") cannot be checked: " + e.getMessage();
        }
    }

    /**
     * The names a certificate offers as the user name under {@code source}: every common name of its subject
     * (each attribute of a multi-valued RDN too), or its e-mail or DNS subjectAltNames. A login needs exactly
     * one ({@link #userNameRefusal}).
     */
    public static List<String> userNames(X509Certificate certificate, ClientCertUserSource source) {
        if (source == ClientCertUserSource.CN) {
            List<String> names = new ArrayList<>();
            X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            for (RDN rdn : subject.getRDNs()) {
                for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                    if (BCStyle.CN.equals(attribute.getType())) {
                        names.add(attribute.getValue() instanceof ASN1String text ? text.getString()
                                : String.valueOf(attribute.getValue()));
                    }
                }
            }
            return names;
        }
        int wanted = source == ClientCertUserSource.SAN_EMAIL ? SAN_EMAIL : SAN_DNS;
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (List<?> name : alternatives) {
                if ((Integer) name.get(0) == wanted && name.get(1) instanceof String value) {
                    names.add(value);
                }
            }
            return names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /**
     * Why {@code certificate} does not name {@code userName} under {@code source}, or {@code null} when it does.
     * It must carry exactly one name of that kind: a certificate with several common names (or several
     * subjectAltNames of the configured type) is ambiguous, and a CA that issued one for "alice" with a second
     * CN of "admin" must not thereby let its holder in as either.
     */
    public static String userNameRefusal(X509Certificate certificate, ClientCertUserSource source, String userName) {
        List<String> names = userNames(certificate, source);
        String what = source == ClientCertUserSource.CN ? "common name (CN)" : source.wireName() + " subjectAltName";
        if (names.isEmpty()) {
            return "the client certificate has no " + what + ", so it names no user";
        }
        if (names.size() > 1) {
            String kind = source == ClientCertUserSource.CN ? "common names (CN)" : source.wireName() + " subjectAltNames";
            return "the client certificate has " + names.size() + " " + kind + " ('" + String.join("', '", names)
                    + "'); exactly one must name the user";
        }
        return names.get(0).equals(userName) ? null
                : "the client certificate's " + what + " is '" + names.get(0) + "', not '" + userName + "'";
    }

    /** Clients may send the CA itself at the end of the chain; PKIX wants the path without anchors. */
    private static List<X509Certificate> withoutAnchors(List<X509Certificate> presented, ClientCa ca) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : presented) {
            if (!ca.certificates().contains(certificate)) {
                path.add(certificate);
            }
        }
        return path.isEmpty() ? presented.subList(0, 1) : path;
    }

    private static String reason(CertPathValidatorException e, X509Certificate leaf, Instant now) {
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return "it expired on " + leaf.getNotAfter().toInstant();
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return "it is not valid until " + leaf.getNotBefore().toInstant();
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "a certificate of its chain is outside its validity period";
        }
        return "it is not signed by the configured client CA (issuer " + leaf.getIssuerX500Principal().getName() + ")";
    }
}
