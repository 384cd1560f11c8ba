package io.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every manifest under {@code deploy/} parses, and its ports, probe and metrics paths, environment
 * variable names and mount paths agree with the application's real configuration
 * ({@link ApplicationSettings}): renaming a property or moving a port fails here, not in a cluster.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Files docs/deploy.md walks through: deleting one is a drift too. */
    private static final List<String> EXPECTED = List.of(
            "docker-compose.yml", "knative/config.yaml", "knative/service.yaml", "knative/pg-wire.yaml",
            "kubernetes/certificate.yaml", "ecs/task-definition.json", "ecs/cloudformation.yaml");

    private static ApplicationSettings settings;
    private static Map<String, List<JsonNode>> documents;

    @BeforeAll
    static void load() throws IOException {
        settings = ApplicationSettings.load();
        documents = new HashMap<>();
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).toList()) {
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    it.forEachRemaining(doc -> {
                        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                            docs.add(doc);
                        }
                    });
                }
                documents.put(DEPLOY.relativize(file).toString().replace('\\', '/'), docs);
            }
        }
    }

    @Test
    void everyExpectedManifestExistsAndParses() {
        for (String name : EXPECTED) {
            assertTrue(documents.containsKey(name), "missing deploy/" + name);
            assertFalse(documents.get(name).isEmpty(), "deploy/" + name + " holds no document");
        }
    }

    @Test
    void kubernetesContainersMatchTheConfiguration() {
        Map<String, String> configMap = configMapEnv();
        int containers = 0;
        for (JsonNode doc : kubernetesDocs()) {
            String kind = doc.path("kind").asText();
            boolean knative = doc.path("apiVersion").asText().startsWith("serving.knative.dev/");
            if (!kind.equals("Deployment") && !(kind.equals("Service") && knative)) {
                continue;
            }
            JsonNode pod = doc.path("spec").path("template");
            for (JsonNode container : pod.path("spec").path("containers")) {
                containers++;
                String where = kind + " " + doc.path("metadata").path("name").asText();
                Map<String, String> env = new HashMap<>(configMap);
                container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
                Set<String> mounts = new HashSet<>();
                container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
                checkEnvAndMounts(where, env, mounts);

                Map<String, Integer> ports = new HashMap<>();
                container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
                Set<Integer> expected = knative ? Set.of(settings.httpPort()) : Set.of(settings.wirePort(), settings.httpPort());
                assertEquals(expected, Set.copyOf(ports.values()), where + ": container ports");
                checkProbe(where, container.path("livenessProbe"), "live", ports);
                checkProbe(where, container.path("readinessProbe"), "ready", ports);
                if (container.has("startupProbe")) {
                    checkProbe(where, container.path("startupProbe"), "started", ports);
                }
                checkPrometheusAnnotations(where, pod.path("metadata").path("annotations"));
                if (knative) {
                    assertTrue(pod.path("metadata").path("annotations").path("autoscaling.knative.dev/min-scale").asInt() >= 1,
                            where + ": pools hold state, min-scale must be at least 1");
                } else {
                    long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
                    assertTrue(grace > settings.drainTimeout().toSeconds(), where + ": grace period shorter than the drain");
                }
            }
        }
        assertEquals(2, containers, "one Knative and one wire container");
    }

    @Test
    void wireServiceIsATcpLoadBalancerOnTheWirePort() {
        JsonNode service = kubernetesDocs().stream()
                .filter(d -> d.path("kind").asText().equals("Service") && d.path("spec").path("type").asText().equals("LoadBalancer"))
                .findFirst().orElseThrow(() -> new AssertionError("no LoadBalancer Service"));
        JsonNode port = service.path("spec").path("ports").get(0);
        assertEquals(settings.wirePort(), port.path("port").asInt());
        assertEquals("TCP", port.path("protocol").asText());
    }

    @Test
    void certificateSecretIsTheOneMountedForTheTlsFiles() {
        JsonNode certificate = kubernetesDocs().stream()
                .filter(d -> d.path("kind").asText().equals("Certificate") && !d.path("spec").path("isCA").asBoolean())
                .findFirst().orElseThrow(() -> new AssertionError("no server Certificate"));
        String secret = certificate.path("spec").path("secretName").asText();
        JsonNode deployment = kubernetesDocs().stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        String volume = null;
        for (JsonNode v : podSpec.path("volumes")) {
            if (secret.equals(v.path("secret").path("secretName").asText())) {
                volume = v.path("name").asText();
            }
        }
        assertTrue(volume != null, "the Deployment does not mount the certificate's Secret " + secret);
        JsonNode container = podSpec.path("containers").get(0);
        String mountPath = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                assertFalse(m.has("subPath"), "a subPath mount never sees cert-manager's renewals");
                mountPath = m.path("mountPath").asText();
            }
        }
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        Map<String, String> files = Map.of("portcullis.tls.cert-file", "tls.crt",
                "portcullis.tls.key-file", "tls.key", "portcullis.tls.client-ca-file", "ca.crt");
        for (var file : files.entrySet()) {
            assertEquals(mountPath + "/" + file.getValue(), env.get(ApplicationSettings.envName(file.getKey())), file.getKey());
        }
    }

    @Test
    void ecsTaskDefinitionMatchesTheConfiguration() {
        JsonNode task = single("ecs/task-definition.json");
        assertTrue(task.path("requiresCompatibilities").toString().contains("FARGATE"));
        JsonNode container = task.path("containerDefinitions").get(0);
        Set<Integer> ports = new HashSet<>();
        container.path("portMappings").forEach(p -> ports.add(p.path("containerPort").asInt()));
        assertEquals(Set.of(settings.wirePort(), settings.httpPort()), ports);
        Map<String, String> env = new HashMap<>();
        container.path("environment").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        container.path("secrets").forEach(e -> env.put(e.path("name").asText(), "secret"));
        assertTrue(env.containsKey(ApplicationSettings.envName("portcullis.admin-token")), "admin token secret");
        assertTrue(env.containsKey(ApplicationSettings.envName("portcullis.secret-key")), "secret key secret");
        Set<String> mounts = new HashSet<>();
        container.path("mountPoints").forEach(m -> mounts.add(m.path("containerPath").asText()));
        checkEnvAndMounts("ECS task", env, mounts);
        String health = container.path("healthCheck").path("command").toString();
        assertTrue(health.contains("/" + settings.httpPort() + " ") || health.contains("/" + settings.httpPort() + "&"),
                "health check port: " + health);
        assertTrue(health.contains(settings.healthPath("ready") + " "), "health check path: " + health);
        assertTrue(container.path("stopTimeout").asLong() > settings.drainTimeout().toSeconds(), "stopTimeout shorter than the drain");
        assertEquals("awslogs", container.path("logConfiguration").path("logDriver").asText());
    }

    @Test
    void cloudFormationRoutesTheWirePortThroughAnNlb() {
        JsonNode resources = single("ecs/cloudformation.yaml").path("Resources");
        JsonNode lb = resources.path("LoadBalancer").path("Properties");
        assertEquals("network", lb.path("Type").asText());
        JsonNode listener = resources.path("WireListener").path("Properties");
        assertEquals("TCP", listener.path("Protocol").asText());
        assertEquals(settings.wirePort(), listener.path("Port").asInt());
        JsonNode group = resources.path("WireTargetGroup").path("Properties");
        assertEquals(settings.wirePort(), group.path("Port").asInt());
        assertEquals(settings.healthPath("ready"), group.path("HealthCheckPath").asText());
        assertEquals(settings.httpPort(), group.path("HealthCheckPort").asInt());
        JsonNode binding = resources.path("Service").path("Properties").path("LoadBalancers").get(0);
        assertEquals(settings.wirePort(), binding.path("ContainerPort").asInt());
        String taskContainer = single("ecs/task-definition.json").path("containerDefinitions").get(0).path("name").asText();
        assertEquals(taskContainer, binding.path("ContainerName").asText());
    }

    /** The REST API is for the load balancer's health checks and the operators, not for every database client. */
    @Test
    void cloudFormationOpensTheHttpPortOnlyToTheLoadBalancerAndOperators() {
        JsonNode ingress = single("ecs/cloudformation.yaml").path("Resources").path("TaskSecurityGroup")
                .path("Properties").path("SecurityGroupIngress");
        Set<String> httpSources = new java.util.TreeSet<>();
        for (JsonNode rule : ingress) {
            if (rule.path("FromPort").asInt() <= settings.httpPort() && settings.httpPort() <= rule.path("ToPort").asInt()) {
                httpSources.add(rule.path("CidrIp").path("Ref").asText(rule.path("CidrIp").asText()));
            }
        }
        assertEquals(Set.of("LoadBalancerCidr", "OperatorCidr"), httpSources, "who may reach port " + settings.httpPort());
    }

    @Test
    void composeRunsQuestDbBehindPortcullis() {
        JsonNode services = single("docker-compose.yml").path("services");
        assertTrue(services.path("questdb").path("image").asText().startsWith("questdb/questdb:"));
        JsonNode portcullis = services.path("portcullis");
        Set<Integer> published = new HashSet<>();
        portcullis.path("ports").forEach(p -> published.add(Integer.parseInt(p.asText().replaceAll(".*:", ""))));
        assertEquals(Set.of(settings.wirePort(), settings.httpPort()), published);
        Map<String, String> env = new HashMap<>();
        portcullis.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Set<String> mounts = new HashSet<>();
        portcullis.path("volumes").forEach(v -> mounts.add(v.asText().replaceAll("^[^:]*:", "")));
        portcullis.path("tmpfs").forEach(v -> {
            mounts.add(v.asText().replaceAll(":.*", ""));
            // Netty loads its JNI libraries (epoll, OpenSSL) from /tmp: a noexec tmpfs would mean NIO and the JDK engine.
            assertTrue(!v.asText().startsWith("/tmp") || v.asText().contains("exec") && !v.asText().contains("noexec"),
                    "compose: /tmp must be mounted exec, not " + v.asText());
        });
        checkEnvAndMounts("compose", env, mounts);
        assertTrue(portcullis.path("healthcheck").path("test").toString().contains(settings.healthPath("ready") + " "));
    }

    @Test
    void dockerfilesDeclareTheDataVolumePortsAndANonRootUser() throws IOException {
        for (String name : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            List<String> lines = Files.readAllLines(DEPLOY.resolve("docker").resolve(name));
            List<String> runtime = lines.subList(lastIndexStartingWith(lines, "FROM "), lines.size());
            String expose = "EXPOSE " + settings.wirePort() + " " + settings.httpPort();
            assertTrue(runtime.contains(expose), name + ": " + expose);
            String dataDir = runtime.stream().filter(l -> l.contains(ApplicationSettings.envName("portcullis.data-dir") + "="))
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": no data dir")).replaceAll(".*=(\\S+).*", "$1");
            assertTrue(runtime.contains("VOLUME " + dataDir), name + ": VOLUME " + dataDir);
            String user = runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
            assertTrue(user.matches("USER [1-9][0-9]*(:0)?"), name + ": runs as " + user);
        }
    }

    @Test
    void everyImageReferenceIsTheSame() {
        Set<String> images = new HashSet<>();
        kubernetesDocs().forEach(d -> d.path("spec").path("template").path("spec").path("containers")
                .forEach(c -> images.add(c.path("image").asText())));
        images.add(single("ecs/task-definition.json").path("containerDefinitions").get(0).path("image").asText());
        assertEquals(1, images.size(), "one image everywhere: " + images);
    }

    private void checkEnvAndMounts(String where, Map<String, String> env, Set<String> mounts) {
        for (String name : env.keySet()) {
            if (settings.propertyForEnv(name).isEmpty()) {
                fail(where + ": " + name + " sets no property the application reads; known: " + settings.names());
            }
        }
        String dataDir = env.get(ApplicationSettings.envName("portcullis.data-dir"));
        assertTrue(dataDir != null && mounts.contains(dataDir), where + ": data dir " + dataDir + " is not a mounted volume " + mounts);
        assertTrue(mounts.contains("/tmp"), where + ": /tmp must be writable with a read-only root filesystem");
        for (String file : List.of("portcullis.tls.cert-file", "portcullis.tls.key-file", "portcullis.tls.client-ca-file")) {
            String path = env.get(ApplicationSettings.envName(file));
            if (path != null) {
                assertTrue(mounts.stream().anyMatch(m -> path.startsWith(m + "/")), where + ": " + path + " is not under a mount");
            }
        }
    }

    private void checkProbe(String where, JsonNode probe, String kind, Map<String, Integer> ports) {
        JsonNode get = probe.path("httpGet");
        assertEquals(settings.healthPath(kind), get.path("path").asText(), where + ": " + kind + " probe path");
        JsonNode port = get.path("port");
        int number = port.isNumber() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
        assertEquals(settings.httpPort(), number, where + ": " + kind + " probe port");
    }

    private void checkPrometheusAnnotations(String where, JsonNode annotations) {
        assertEquals("true", annotations.path("prometheus.io/scrape").asText(), where + ": scrape");
        assertEquals(String.valueOf(settings.httpPort()), annotations.path("prometheus.io/port").asText(), where + ": metrics port");
        assertEquals(settings.metricsPath(), annotations.path("prometheus.io/path").asText(), where + ": metrics path");
    }

    private static Map<String, String> configMapEnv() {
        Map<String, String> env = new HashMap<>();
        kubernetesDocs().stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                .forEach(d -> d.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
        assertFalse(env.isEmpty(), "no shared ConfigMap");
        return env;
    }

    private static List<JsonNode> kubernetesDocs() {
        return documents.entrySet().stream()
                .filter(e -> e.getKey().startsWith("knative/") || e.getKey().startsWith("kubernetes/"))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static JsonNode single(String name) {
        List<JsonNode> docs = documents.get(name);
        assertTrue(docs != null && docs.size() == 1, name + " must hold one document");
        return docs.get(0);
    }

    private static int lastIndexStartingWith(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix);
    }
}
