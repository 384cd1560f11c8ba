package io.portcullis.tls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TlsRenegotiationTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(TlsRenegotiation.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(TlsRenegotiation.PROPERTY);
        } else {
            System.setProperty(TlsRenegotiation.PROPERTY, before);
        }
    }

    @Test
    void refusesClientRenegotiationUnlessTheOperatorDecidedOtherwise() {
        System.clearProperty(TlsRenegotiation.PROPERTY);
        TlsRenegotiation.refuseClientInitiated();
        assertEquals("true", System.getProperty(TlsRenegotiation.PROPERTY));

        System.setProperty(TlsRenegotiation.PROPERTY, "false");
        TlsRenegotiation.refuseClientInitiated();
        assertEquals("false", System.getProperty(TlsRenegotiation.PROPERTY), "an explicit -D on the command line wins");
    }
}
