package io.portcullis.proxy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ClientRenegotiationTest} against the packaged application (the native executable with {@code -Dnative}). */
@QuarkusIntegrationTest
class ClientRenegotiationIT extends ClientRenegotiationTest {
}
