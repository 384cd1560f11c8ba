package io.portcullis.proxy;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Linux the event loops run on Netty's epoll transport (measured cheaper per transaction than NIO, see
 * docs/performance.md). Vert.x falls back to NIO without a word when the JNI library is missing or
 * does not load, so a dependency change that lost it would only show in the benchmark; this catches it.
 */
@QuarkusTest
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
class NativeTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void eventLoopsRunOnEpoll() {
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x runs on NIO: netty-transport-native-epoll for this "
                + "platform missing from the class path, or quarkus.vertx.prefer-native-transport off");
    }
}
