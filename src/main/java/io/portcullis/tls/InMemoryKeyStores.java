package io.portcullis.tls;

/**
 * Makes the key store Vert.x builds for every TLS context cheap. Vert.x turns the PEM key and chain into a
 * {@code KeyManagerFactory} through an in-memory PKCS#12 {@code KeyStore} protected by a password that is a
 * constant in its own source; the JDK encrypts the key on the way in and decrypts it on the way out, each time
 * deriving the key with 10,000 PBKDF2-SHA256 iterations. Those iterations protect nothing (the store never
 * leaves memory, its password is public) and cost more than a third of the native executable's start and a
 * few milliseconds of every certificate change. One iteration is enough.
 *
 * <p>The JDK reads the system property {@value #PROPERTY} whenever a PKCS#12 store takes a key. It also applies
 * to any PKCS#12 file this process would write; Portcullis writes none (its keys are stored as PEM).
 */
public final class InMemoryKeyStores {

    /** The JDK's override of the PBKDF2 iteration count of keys put into PKCS#12 stores. */
    public static final String PROPERTY = "keystore.pkcs12.keyPbeIterationCount";

    private InMemoryKeyStores() {
    }

    /** Sets {@value #PROPERTY} to 1 unless the operator set it on the command line. */
    public static void skipKeyDerivation() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "1");
        }
    }
}
