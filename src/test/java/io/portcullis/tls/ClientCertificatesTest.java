package io.portcullis.tls;

import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.Test;

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

    @Test
    void userSourceNames() {
        assertEquals(ClientCertUserSource.SAN_EMAIL, ClientCertUserSource.of("san-email"));
        assertEquals(ClientCertUserSource.CN, ClientCertUserSource.of("CN"));
        org.junit.jupiter.api.Assertions.assertThrows(io.portcullis.config.ConfigException.class,
                () -> ClientCertUserSource.of("uid"));
    }
}
