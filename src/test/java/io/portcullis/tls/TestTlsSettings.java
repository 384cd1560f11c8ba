package io.portcullis.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link TlsSettings} for tests that build {@link TlsAdministration} outside CDI: mode require, both protocols. */
final class TestTlsSettings {

    private TestTlsSettings() {
    }

    /** Certificate from the data directory and the store (no files configured). */
    static TlsSettings noFiles() {
        return of(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10));
    }

    static TlsSettings of(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile,
                          Duration fileCheckInterval) {
        return new TlsSettings() {
            public String mode() {
                return "require";
            }

            public String engine() {
                return "auto";
            }

            public List<String> protocols() {
                return List.of("TLSv1.3", "TLSv1.2");
            }

            public Optional<List<String>> ciphers() {
                return Optional.empty();
            }

            public Optional<Path> certFile() {
                return certFile;
            }

            public Optional<Path> keyFile() {
                return keyFile;
            }

            public Optional<Path> clientCaFile() {
                return clientCaFile;
            }

            @Override
            public Optional<Path> sniCertDir() {
                return Optional.empty();
            }

            public Duration fileCheckInterval() {
                return fileCheckInterval;
            }

            public String clientCertUserFrom() {
                return "cn";
            }

            public Duration expiryWarning() {
                return Duration.ofDays(14);
            }
        };
    }
}
