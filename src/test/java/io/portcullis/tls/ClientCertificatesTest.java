package io.portcullis.tls;

import io.portcullis.testing.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientCertificatesTest {

    @Test
    void aCertificateFromTheCaIsAcceptedAndNamesItsUser() throws Exception {
        TestPki.Issued ca = TestPki.ca("Clients");
        TestPki.Issued alice = TestPki.client(ca, "alice");
        ClientCa clientCa = ClientCa.parse(ca.certificatePem());
        assertNull(ClientCertificates.refusal(List.of(alice.certificate()), clientCa, Instant.now()));
        assertNull(ClientCertificates.refusal(List.of(alice.certificate(), ca.certificate()), clientCa, Instant.now()),
                "a chain that ends with the CA itself");
        assertEquals(List.of("alice"), ClientCertificates.userNames(alice.certificate(), ClientCertUserSource.CN));
        assertEquals(List.of(), ClientCertificates.userNames(alice.certificate(), ClientCertUserSource.SAN_EMAIL));
    }

    @Test
    void refusalsSayWhy() throws Exception {
        TestPki.Issued ca = TestPki.ca("Clients");
        TestPki.Issued stranger = TestPki.client(TestPki.ca("Strangers"), "alice");
        TestPki.Issued alice = TestPki.client(ca, "alice");
        ClientCa clientCa = ClientCa.parse(ca.certificatePem());
        Instant now = Instant.now();

        assertTrue(ClientCertificates.refusal(List.of(), clientCa, now).contains("client certificate is required"));
        assertTrue(ClientCertificates.refusal(List.of(alice.certificate()), null, now).contains("no client CA"));
        assertTrue(ClientCertificates.refusal(List.of(stranger.certificate()), clientCa, now).contains("not signed by the configured client CA"));
        assertTrue(ClientCertificates.refusal(List.of(alice.certificate()), clientCa, now.plus(Duration.ofDays(5)))
                .contains("expired"));
        TestPki.Issued server = TestPki.server(ca, "alice", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        assertTrue(ClientCertificates.refusal(List.of(server.certificate()), clientCa, now).contains("clientAuth"));
    }

    /** A certificate with two common names, as separate RDNs or in one multi-valued RDN, names nobody. */
    @Test
    void exactlyOneNameOfTheConfiguredKindNamesTheUser() throws Exception {
        TestPki.Issued ca = TestPki.ca("Clients");
        TestPki.Issued alice = TestPki.client(ca, "alice");
        assertNull(ClientCertificates.userNameRefusal(alice.certificate(), ClientCertUserSource.CN, "alice"));
        assertTrue(ClientCertificates.userNameRefusal(alice.certificate(), ClientCertUserSource.CN, "admin").contains("'alice', not 'admin'"));
        assertTrue(ClientCertificates.userNameRefusal(alice.certificate(), ClientCertUserSource.SAN_EMAIL, "alice")
                .contains("no san-email subjectAltName"));
        for (String subject : List.of("CN=alice,CN=admin", "CN=admin+CN=alice", "O=Example,CN=admin,OU=x,CN=alice")) {
            X509Certificate twoNames = TestPki.client(ca, new X500Name(subject)).certificate();
            assertEquals(2, ClientCertificates.userNames(twoNames, ClientCertUserSource.CN).size(), subject);
            for (String user : List.of("alice", "admin")) {
                String refusal = ClientCertificates.userNameRefusal(twoNames, ClientCertUserSource.CN, user);
                assertTrue(refusal != null && refusal.contains("2 common names (CN)") && refusal.contains("exactly one"),
                        subject + " as " + user + ": " + refusal);
            }
        }
        X509Certificate escaped = TestPki.client(ca, new X500Name("CN=a\\,b")).certificate();
        assertEquals(List.of("a,b"), ClientCertificates.userNames(escaped, ClientCertUserSource.CN), "the value, unescaped");
    }

    @Test
    void userSourceNames() {
        assertEquals(ClientCertUserSource.SAN_EMAIL, ClientCertUserSource.of("san-email"));
        assertEquals(ClientCertUserSource.CN, ClientCertUserSource.of("CN"));
        org.junit.jupiter.api.Assertions.assertThrows(io.portcullis.config.ConfigException.class,
                () -> ClientCertUserSource.of("uid"));
    }
}
