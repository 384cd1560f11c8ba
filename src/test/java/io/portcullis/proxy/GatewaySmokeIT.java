package io.portcullis.proxy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link GatewaySmokeTest} against the packaged application (native executable with {@code -Dnative}). */
@QuarkusIntegrationTest
class GatewaySmokeIT extends GatewaySmokeTest {
}
