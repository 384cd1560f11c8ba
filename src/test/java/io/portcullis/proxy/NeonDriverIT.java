package io.portcullis.proxy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link NeonDriverTest} against the packaged application (native executable with {@code -Dnative}). */
@QuarkusIntegrationTest
class NeonDriverIT extends NeonDriverTest {
}
