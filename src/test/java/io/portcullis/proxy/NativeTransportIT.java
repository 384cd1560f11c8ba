package io.portcullis.proxy;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NativeTransportTest} for the packaged application, above all the native executable, where epoll is
 * found another way than on the JVM ({@link EpollTransportRegistration}) and a lost registration would only
 * show as NIO in the start line and as CPU in the benchmark. Reads that start line from the application's
 * output, which the integration-test launcher writes to {@code target/quarkus.log}.
 */
@QuarkusIntegrationTest
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
class NativeTransportIT {

    @Test
    void eventLoopsRunOnEpoll() throws Exception {
        List<String> starts = Files.readAllLines(Path.of("target", "quarkus.log")).stream()
                .filter(line -> line.contains("Portcullis wire listener on")).toList();
        assertTrue(!starts.isEmpty(), "no wire listener start line in target/quarkus.log");
        String last = starts.get(starts.size() - 1);
        assertTrue(last.contains("epoll transport"), "the packaged application runs on NIO: " + last);
    }
}
