package io.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OCI image tarball Jib writes at {@code package} ({@code target/jib-image.tar}, profile
 * {@code image}): index.json → manifest → config blob, and the layers. A plain JUnit test run by
 * failsafe, after the tarball exists.
 */
class ContainerImageIT {

    private static final Path TARBALL = Path.of("target/jib-image.tar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApplicationSettings settings;
    private static Map<String, byte[]> blobs;
    private static JsonNode manifest;
    private static JsonNode config;

    @BeforeAll
    static void open() throws IOException {
        assertTrue(Files.isRegularFile(TARBALL), TARBALL + " is missing: the image profile builds it at package");
        settings = ApplicationSettings.load();
        try (InputStream in = Files.newInputStream(TARBALL)) {
            blobs = OciTarball.read(in);
        }
        JsonNode index = JSON.readTree(blobs.get("index.json"));
        manifest = JSON.readTree(blob(index.path("manifests").get(0).path("digest").asText()));
        config = JSON.readTree(blob(manifest.path("config").path("digest").asText()));
    }

    @Test
    void entrypointRunsTheFastJar() {
        assertEquals(List.of("java", "-jar", "/deployments/quarkus-run.jar"), strings(config.path("config").path("Entrypoint")));
    }

    @Test
    void runsAsANonRootUser() {
        String user = config.path("config").path("User").asText();
        assertNotEquals("", user);
        assertNotEquals("0", user.split(":")[0]);
        assertNotEquals("root", user.split(":")[0]);
    }

    @Test
    void exposesTheWireAndHttpPorts() {
        Set<String> ports = new HashSet<>();
        config.path("config").path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(Set.of(settings.wirePort() + "/tcp", settings.httpPort() + "/tcp"), ports);
    }

    @Test
    void dataDirectoryIsAVolumeAndTheConfiguredDataDir() {
        assertTrue(config.path("config").path("Volumes").has("/data"));
        assertTrue(strings(config.path("config").path("Env")).contains(ApplicationSettings.envName("portcullis.data-dir") + "=/data"));
    }

    @Test
    void carriesOpenContainerLabels() {
        JsonNode labels = config.path("config").path("Labels");
        assertEquals("Portcullis", labels.path("org.opencontainers.image.title").asText());
        assertTrue(labels.path("org.opencontainers.image.version").asText().matches("\\d+\\.\\d+\\.\\d+.*"));
    }

    @Test
    void layersHoldTheFastJarAndNothingTwice() throws IOException {
        Set<String> files = new HashSet<>();
        for (JsonNode layer : manifest.path("layers")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob(layer.path("digest").asText())))) {
                files.addAll(OciTarball.read(in).keySet());
            }
        }
        assertTrue(files.contains("deployments/quarkus-run.jar"), "fast-jar launcher");
        assertTrue(files.stream().anyMatch(f -> f.startsWith("deployments/lib/main/")), "fast-jar libraries");
        assertTrue(files.stream().anyMatch(f -> f.startsWith("data")), "the data directory exists");
        assertTrue(files.stream().noneMatch(f -> f.startsWith("app/")), "Jib's own Java layers are filtered out");
    }

    private static byte[] blob(String digest) {
        byte[] content = blobs.get("blobs/" + digest.replace(':', '/'));
        assertTrue(content != null, "blob " + digest + " missing");
        return content;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
