package io.portcullis.tls;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields of {@code POST /api/v1/tls/certificate/self-signed} ({@code commonName},
 * {@code subjectAltNames}, {@code validDays}) and {@code POST /api/v1/tls/csr} ({@code subject},
 * {@code subjectAltNames}) end up in what is served and signed: read back through {@code GET /tls}, from
 * the TLS handshake, and from the PKCS#10 request itself. Puts the localhost certificate back afterwards.
 */
@QuarkusTest
class CertificateRequestFieldsTest {

    @AfterAll
    static void restore() {
        admin().body("{\"commonName\":\"localhost\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\",\"::1\"],\"validDays\":30}")
                .post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
    }

    private static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static X509Certificate served() throws Exception {
        return ServedCertificate.read(GatewayClient.gatewayPort());
    }

    private static String fingerprint(X509Certificate certificate) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /** subjectAltNames as "dns:name" / "ip:address". */
    private static List<String> altNames(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
        for (List<?> entry : entries == null ? List.<List<?>>of() : entries) {
            int type = (Integer) entry.get(0);
            names.add((type == GeneralName.iPAddress ? "ip:" : type == GeneralName.dNSName ? "dns:" : type + ":") + entry.get(1));
        }
        return names;
    }

    private static void assertDays(Instant from, Instant to, Instant notAfter, int days) {
        Instant earliest = from.plus(Duration.ofDays(days)).minus(Duration.ofMinutes(1));
        Instant latest = to.plus(Duration.ofDays(days)).plus(Duration.ofMinutes(1));
        assertTrue(!notAfter.isBefore(earliest) && !notAfter.isAfter(latest),
                "valid for " + days + " days: notAfter " + notAfter + " not in [" + earliest + ", " + latest + "]");
    }

    @Test
    void aSelfSignedCertificateCarriesTheNamesAndValidityAskedFor() throws Exception {
        Instant before = Instant.now();
        Response created = admin().body("{\"commonName\":\"gw.portcullis.test\","
                        + "\"subjectAltNames\":[\"gw.portcullis.test\",\"localhost\",\"10.9.8.7\"],\"validDays\":3}")
                .post("/api/v1/tls/certificate/self-signed");
        Instant after = Instant.now();
        created.then().statusCode(200)
                .body("certificate.subject", equalTo("CN=gw.portcullis.test"))
                .body("certificate.subjectAltNames", equalTo(List.of("gw.portcullis.test", "localhost", "10.9.8.7")))
                .body("certificate.selfSigned", equalTo(true));
        assertDays(before, after, Instant.parse(created.path("certificate.notAfter")), 3);

        X509Certificate served = served();
        assertEquals(created.path("certificate.sha256Fingerprint"), fingerprint(served), "the new certificate is served");
        assertEquals("CN=gw.portcullis.test", served.getSubjectX500Principal().getName());
        assertEquals(List.of("dns:gw.portcullis.test", "dns:localhost", "ip:10.9.8.7"), altNames(served));
        assertDays(before, after, served.getNotAfter().toInstant(), 3);
        admin().get("/api/v1/tls").then().statusCode(200)
                .body("certificate.sha256Fingerprint", equalTo(fingerprint(served)))
                .body("certificate.subjectAltNames", equalTo(List.of("gw.portcullis.test", "localhost", "10.9.8.7")));
    }

    @Test
    void validDaysIsOneToTenYearsAndDefaultsTo397() throws Exception {
        admin().body("{\"commonName\":\"localhost\",\"validDays\":30}").post("/api/v1/tls/certificate/self-signed")
                .then().statusCode(200);
        String servedBefore = fingerprint(served());
        for (int days : new int[] {0, -1, 3651}) {
            admin().body("{\"commonName\":\"localhost\",\"validDays\":" + days + "}").post("/api/v1/tls/certificate/self-signed")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("validDays must be between 1 and 3650, not " + days));
        }
        assertEquals(servedBefore, fingerprint(served()), "a refused request changes nothing");

        Instant before = Instant.now();
        Response longest = admin().body("{\"commonName\":\"localhost\",\"validDays\":3650}").post("/api/v1/tls/certificate/self-signed");
        Instant after = Instant.now();
        longest.then().statusCode(200);
        assertDays(before, after, Instant.parse(longest.path("certificate.notAfter")), 3650);

        before = Instant.now();
        Response unset = admin().body("{\"commonName\":\"localhost\"}").post("/api/v1/tls/certificate/self-signed");
        after = Instant.now();
        unset.then().statusCode(200);
        assertDays(before, after, served().getNotAfter().toInstant(), 397);
    }

    @Test
    void aCsrCarriesTheSubjectAndSubjectAltNamesAskedFor() throws Exception {
        String csrPem = admin().body("{\"subject\":\"CN=csr.portcullis.test,O=Portcullis Test\","
                        + "\"subjectAltNames\":[\"csr.portcullis.test\",\"localhost\",\"192.0.2.7\"]}")
                .post("/api/v1/tls/csr").then().statusCode(200).extract().path("csrPem");
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                        .build(new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo()))),
                "signed with the key it asks a certificate for");
        assertEquals(new X500Name("CN=csr.portcullis.test,O=Portcullis Test"), csr.getSubject());
        List<String> requested = new ArrayList<>();
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            for (GeneralName name : names == null ? new GeneralName[0] : names.getNames()) {
                requested.add(name.getTagNo() == GeneralName.iPAddress
                        ? "ip:" + InetAddress.getByAddress(ASN1OctetString.getInstance(name.getName()).getOctets()).getHostAddress()
                        : "dns:" + name.getName());
            }
        }
        assertEquals(List.of("dns:csr.portcullis.test", "dns:localhost", "ip:192.0.2.7"), requested);

        // Signed as a CA would (copying the requested names) and installed: the pending request is completed.
        TestPki.Issued ca = TestPki.ca("CSR Fields CA");
        String signed = TestPki.signCsr(ca, csrPem);
        admin().body(Map.of("certificateChainPem", signed + ca.certificatePem())).put("/api/v1/tls/certificate")
                .then().statusCode(200).body("csrPending", equalTo(false))
                .body("certificate.subjectAltNames", equalTo(List.of("csr.portcullis.test", "localhost", "192.0.2.7")));
        assertEquals(List.of("dns:csr.portcullis.test", "dns:localhost", "ip:192.0.2.7"), altNames(served()));
    }
}
