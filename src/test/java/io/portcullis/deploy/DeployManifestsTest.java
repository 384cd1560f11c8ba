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
import java.time.Duration;
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
            "kubernetes/components/wire/certificate.yaml", "kubernetes/base/config.yaml", "kubernetes/kustomization.yaml",
            "kubernetes/overlays/wire/kustomization.yaml", "kubernetes/overlays/api/kustomization.yaml",
            "kubernetes/servicemonitor.yaml", "ecs/task-definition.json", "ecs/cloudformation.yaml");
    /** The Kustomize renderings docs/deploy.md names ({@code kubectl kustomize DIR}); .ci/run renders and validates each. */
    private static final List<String> KUSTOMIZATIONS = List.of("kubernetes", "kubernetes/overlays/wire", "kubernetes/overlays/api");
    /** Kustomization fields {@link #kustomize} resolves; any other (patches, name prefixes, labels) it would get wrong. */
    private static final Set<String> KUSTOMIZE_FIELDS = Set.of("apiVersion", "kind", "resources", "components");

    /**
     * Environment variables the code reads itself, not through MicroProfile Config ({@code POD_IP}: the default of
     * {@code portcullis.peer.advertise-host}); {@link #directlyReadVariablesAreReadByTheCode} keeps this list honest.
     */
    private static final Set<String> READ_DIRECTLY = Set.of("POD_IP");
    /** The security group of the ECS tasks in cloudformation.yaml. */
    private static final String TASK_GROUP = "TaskSecurityGroup";

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

    /**
     * A container's environment (over the ConfigMap's) and mounts against the settings, its ports against
     * {@code expectedPorts}, its liveness and readiness probes; answers its ports by name.
     */
    /** The environment a container sees: the ConfigMap's, then its own {@code env} values over them. */
    private static Map<String, String> containerEnv(JsonNode container, Map<String, String> configMap) {
        Map<String, String> env = new HashMap<>(configMap);
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private Map<String, Integer> checkContainer(String where, JsonNode container, Map<String, String> configMap,
                                                Set<Integer> expectedPorts) {
        Set<String> mounts = new HashSet<>();
        container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
        checkEnvAndMounts(where, containerEnv(container, configMap), mounts);
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertEquals(expectedPorts, Set.copyOf(ports.values()), where + ": container ports");
        checkProbe(where, container.path("livenessProbe"), "live", ports);
        checkProbe(where, container.path("readinessProbe"), "ready", ports);
        return ports;
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
                Map<String, Integer> ports = checkContainer(where, container, configMap, knative ? Set.of(settings.httpPort())
                        : Set.of(settings.wirePort(), settings.httpPort(), peerPort()));
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

    /**
     * Issue 19: the Knative Service carries PostgreSQL over WebSocket ({@code GET /v2}) besides the REST API. Each
     * WebSocket is one request for the session's whole life, so the revision must not cap or queue them, must not
     * cut them at a response-start or idle timer the queue-proxy cannot feed (it never sees a WebSocket's bytes,
     * knative/serving#16169), and its request timeout must apply on a default install (at most 600 s) yet outlast
     * Portcullis's drain (Knative makes it the pods' grace period). The container stays plain HTTP/1.1 behind the
     * queue-proxy, trusted on loopback for X-Forwarded-Proto, with /v2 at the root of that port.
     */
    @Test
    void knativeServiceCarriesWebSocketSessions() {
        JsonNode service = kubernetesDocs().stream()
                .filter(d -> d.path("kind").asText().equals("Service")
                        && d.path("apiVersion").asText().startsWith("serving.knative.dev/"))
                .findFirst().orElseThrow(() -> new AssertionError("no Knative Service"));
        JsonNode template = service.path("spec").path("template");
        JsonNode spec = template.path("spec");

        JsonNode concurrency = spec.path("containerConcurrency");
        assertTrue(concurrency.isIntegralNumber() && (concurrency.asInt() == 0 || concurrency.asInt() >= 100),
                "containerConcurrency must be set, 0 (no cap) or a large cap: each WebSocket is one request for its whole session, got " + concurrency);
        JsonNode timeout = spec.path("timeoutSeconds");
        assertTrue(timeout.isIntegralNumber(), "timeoutSeconds must be set: Knative's default (300 s) ends every WebSocket after 5 minutes");
        long drain = Duration.parse("PT" + settings.defaultOf("portcullis.shutdown.delay").toUpperCase(java.util.Locale.ROOT))
                .plus(settings.drainTimeout()).toSeconds();
        assertTrue(timeout.asLong() > drain, "timeoutSeconds is the pods' grace period too: it must outlast the drain (" + drain + " s)");
        assertTrue(timeout.asLong() > 300 && timeout.asLong() <= 600,
                "timeoutSeconds " + timeout + ": above Knative's default 300 s, at most the 600 s a default install's max-revision-timeout-seconds accepts");
        JsonNode responseStart = spec.path("responseStartTimeoutSeconds");
        assertTrue(responseStart.isIntegralNumber() && (responseStart.asLong() == 0 || responseStart.asLong() >= timeout.asLong()),
                "responseStartTimeoutSeconds must be set to 0 (or at least timeoutSeconds): the queue-proxy never sees a WebSocket's "
                        + "response start, and the cluster default would cut sessions; got " + responseStart);
        JsonNode idle = spec.path("idleTimeoutSeconds");
        assertTrue(idle.isIntegralNumber() && idle.asLong() == 0,
                "idleTimeoutSeconds must be set to 0: the queue-proxy sees none of a WebSocket's traffic, so any idle timer ends busy sessions; got " + idle);
        assertTrue(template.path("metadata").path("annotations").path("autoscaling.knative.dev/min-scale").asInt() >= 1,
                "sessions and pools live in the process: min-scale must be at least 1");

        JsonNode containers = spec.path("containers");
        assertEquals(1, containers.size(), "one container in the Knative Service");
        JsonNode container = containers.get(0);
        assertEquals(1, container.path("ports").size(), "Knative routes to one container port");
        JsonNode port = container.path("ports").get(0);
        assertEquals(settings.httpPort(), port.path("containerPort").asInt(), "the Knative port must be the HTTP port, where /v2 is served");
        assertTrue(port.path("name").isMissingNode() || port.path("name").asText().equals("http1"),
                "the port must be HTTP/1.1 (http1 or unnamed) for the WebSocket upgrade, not " + port.path("name").asText());

        assertEquals("/v2", io.portcullis.proxy.WebSocketSettings.PATH, "the path Neon's driver opens (a public contract)");
        String rootPath = settings.knows("quarkus.http.root-path") ? settings.defaultOf("quarkus.http.root-path") : "/";
        assertTrue(rootPath.equals("/") || rootPath.isEmpty(), "quarkus.http.root-path " + rootPath + " moves /v2 away from the path drivers open");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            String path = container.path(probe).path("httpGet").path("path").asText("");
            assertFalse(path.equals("/v2") || path.startsWith("/v2/") || path.startsWith("/v2?"), probe + " uses /v2, the WebSocket path");
        }

        Map<String, String> env = new HashMap<>(configMapEnv());
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        String apiTls = env.getOrDefault(ApplicationSettings.envName("portcullis.api.tls"), settings.defaultOf("portcullis.api.tls"));
        assertEquals("off", apiTls, "the Knative ingress terminates TLS and the queue-proxy speaks plain HTTP: PORTCULLIS_API_TLS must stay off");
        assertFalse("false".equalsIgnoreCase(env.get(ApplicationSettings.envName("portcullis.websocket.enabled"))),
                "the Knative Service turns off the WebSocket it exists to serve");
        assertTrue(settings.knows("portcullis.websocket.enabled"), "the application no longer reads portcullis.websocket.enabled");

        // The queue-proxy reaches the container on loopback: it must be a trusted proxy, and nobody else by default.
        assertEquals("true", settings.defaultOf("quarkus.http.proxy.proxy-address-forwarding"));
        assertEquals("true", settings.defaultOf("quarkus.http.proxy.allow-x-forwarded"));
        List<String> trusted = List.of(settings.defaultOf("quarkus.http.proxy.trusted-proxies").split("\\s*,\\s*"));
        assertTrue(trusted.contains("127.0.0.0/8") || trusted.contains("127.0.0.1") || trusted.contains("127.0.0.1/32"),
                "the queue-proxy on 127.0.0.1 is not a trusted proxy: " + trusted);
        assertTrue(trusted.stream().allMatch(t -> t.startsWith("127.") || t.startsWith("::1")),
                "only loopback may be trusted by default: " + trusted);
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
        assertEquals(Set.of(settings.wirePort(), settings.httpPort(), peerPort()), ports);
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

    /**
     * The REST API is for the load balancer's health checks and the operators, not for every database client: the
     * NLB has a security group of its own, which alone admits the clients, and the tasks admit the NLB by that group
     * (not by a CIDR of its subnets, where clients may sit too). The client and operator ranges have no defaults.
     */
    @Test
    void cloudFormationOpensTheHttpPortOnlyToTheLoadBalancerAndOperators() {
        JsonNode template = single("ecs/cloudformation.yaml");
        JsonNode resources = template.path("Resources");
        JsonNode ingress = resources.path("TaskSecurityGroup").path("Properties").path("SecurityGroupIngress");
        Set<String> httpSources = new java.util.TreeSet<>();
        Set<String> wireSources = new java.util.TreeSet<>();
        for (JsonNode rule : ingress) {
            String source = rule.has("SourceSecurityGroupId") ? rule.path("SourceSecurityGroupId").path("Ref").asText()
                    : rule.path("CidrIp").path("Ref").asText(rule.path("CidrIp").asText());
            if (covers(rule, settings.httpPort())) {
                httpSources.add(source);
            }
            if (covers(rule, settings.wirePort())) {
                wireSources.add(source);
            }
        }
        assertEquals(Set.of("LoadBalancerSecurityGroup", "OperatorCidr"), httpSources, "who may reach port " + settings.httpPort());
        assertEquals(Set.of("LoadBalancerSecurityGroup"), wireSources, "who may reach port " + settings.wirePort() + " directly");
        assertEquals("AWS::EC2::SecurityGroup", resources.path("LoadBalancerSecurityGroup").path("Type").asText());
        JsonNode lbIngress = resources.path("LoadBalancerSecurityGroup").path("Properties").path("SecurityGroupIngress");
        assertEquals(1, lbIngress.size(), "the NLB admits the clients on the wire port only");
        assertEquals(settings.wirePort(), lbIngress.get(0).path("FromPort").asInt());
        assertEquals(settings.wirePort(), lbIngress.get(0).path("ToPort").asInt());
        assertEquals("ClientCidr", lbIngress.get(0).path("CidrIp").path("Ref").asText());
        assertTrue(resources.path("LoadBalancer").path("Properties").path("SecurityGroups").toString().contains("\"LoadBalancerSecurityGroup\""),
                "the NLB must carry its security group (it cannot be added after creation)");
        for (String range : List.of("ClientCidr", "OperatorCidr")) {
            assertFalse(template.path("Parameters").path(range).has("Default"), range + ": no guessed default range");
        }
    }

    /** The compose example keeps its admin token in a file that git and docker build both leave out. */
    @Test
    void composeKeepsTheAdminTokenInAnIgnoredFile() throws IOException {
        JsonNode portcullis = single("docker-compose.yml").path("services").path("portcullis");
        assertFalse(portcullis.path("environment").has(ApplicationSettings.envName("portcullis.admin-token")),
                "a token set on the command line is lost after the first start");
        assertEquals("[\"portcullis.env\"]", portcullis.path("env_file").toString());
        assertTrue(Files.readAllLines(Path.of(".gitignore")).contains("deploy/portcullis.env"), ".gitignore: deploy/portcullis.env");
        assertTrue(dockerIgnored("deploy/portcullis.env"), ".dockerignore: deploy/portcullis.env");
    }

    /**
     * docker build . must not send the data directory (the embedded store and secret.key) or other local state,
     * and must send what the Dockerfiles copy. A small reading of .dockerignore (last matching pattern wins, a
     * pattern matching a parent directory excludes its files); docker's own matcher was not run here.
     */
    @Test
    void dockerIgnoreKeepsLocalStateOutOfTheBuildContext() throws IOException {
        for (String path : List.of("data/secret.key", "data/config.json", "target/quarkus-app/quarkus-run.jar",
                "src/test/node/node_modules/ws/index.js", "deploy/portcullis.env", "src/main/data/secret.key", ".git/config")) {
            assertTrue(dockerIgnored(path), ".dockerignore lets " + path + " into the build context");
        }
        for (String path : List.of("mvnw", ".mvn/wrapper/maven-wrapper.properties", "pom.xml", "src/main/java/io/portcullis/A.java",
                "src/main/resources/application.properties", "openapi/openapi.yaml")) {
            assertFalse(dockerIgnored(path), ".dockerignore leaves out " + path + ", which the Dockerfiles copy");
        }
    }

    private static boolean dockerIgnored(String path) throws IOException {
        boolean ignored = false;
        for (String line : Files.readAllLines(Path.of(".dockerignore"))) {
            String pattern = line.strip();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean exception = pattern.startsWith("!");
            String glob = exception ? pattern.substring(1) : pattern;
            var matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
            Path candidate = Path.of(path);
            for (int i = 1; i <= candidate.getNameCount(); i++) {
                if (matcher.matches(candidate.subpath(0, i))) {
                    ignored = !exception;
                    break;
                }
            }
        }
        return ignored;
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

    /**
     * Issue 18: the wire pods run as several replicas that forward cancels to each other on the peer port, each
     * publishing POD_IP (the downward API) as its address; a headless Service names the port, the LoadBalancer and
     * every other load-balanced Service leave it out, and the NetworkPolicy admits it from Portcullis pods only.
     */
    @Test
    void wireReplicasReachEachOtherOnThePeerPortOnly() {
        JsonNode deployment = kubernetesDocs().stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        assertTrue(deployment.path("spec").path("replicas").asInt() >= 2, "the wire Deployment runs at least 2 replicas");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        String peerPortName = null;
        for (JsonNode port : container.path("ports")) {
            if (port.path("containerPort").asInt() == peerPort()) {
                peerPortName = port.path("name").asText();
                assertEquals("TCP", port.path("protocol").asText("TCP"));
            }
        }
        assertTrue(peerPortName != null, "the wire container declares no port " + peerPort());
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertEquals("status.podIP", env.getOrDefault("POD_IP", YAML.createObjectNode())
                .path("valueFrom").path("fieldRef").path("fieldPath").asText(), "POD_IP from the downward API");
        for (String property : List.of("portcullis.peer.enabled", "portcullis.peer.port", "portcullis.peer.advertise-host")) {
            assertFalse(env.containsKey(ApplicationSettings.envName(property)) || configMapEnv().containsKey(ApplicationSettings.envName(property)),
                    property + " is set: the defaults (on, " + peerPort() + ", POD_IP) are what the Services and the policy assume");
        }
        JsonNode podLabels = pod.path("metadata").path("labels");

        int headless = 0;
        for (JsonNode service : kubernetesDocs()) {
            if (!service.path("kind").asText().equals("Service") || !service.path("apiVersion").asText().equals("v1")
                    || !selects(service.path("spec").path("selector"), podLabels)) {
                continue;
            }
            String name = service.path("metadata").path("name").asText();
            for (JsonNode port : service.path("spec").path("ports")) {
                JsonNode target = port.path("targetPort").isMissingNode() ? port.path("port") : port.path("targetPort");
                boolean peer = target.isNumber() ? target.asInt() == peerPort() : target.asText().equals(peerPortName);
                if (!peer) {
                    assertFalse(port.path("port").asInt() == peerPort(), name + " exposes port " + peerPort() + " for another port");
                    continue;
                }
                assertEquals("None", service.path("spec").path("clusterIP").asText(),
                        "Service " + name + " carries the peer port: it must be headless, never load-balanced");
                assertEquals("ClusterIP", service.path("spec").path("type").asText("ClusterIP"), "Service " + name);
                assertTrue(service.path("spec").path("publishNotReadyAddresses").asBoolean(),
                        "Service " + name + ": a draining (not ready) replica still owns sessions whose cancels must reach it");
                headless++;
            }
        }
        assertEquals(1, headless, "one headless Service for the wire pods' peer port");

        List<JsonNode> policies = kubernetesDocs().stream()
                .filter(d -> d.path("kind").asText().equals("NetworkPolicy")
                        && selects(d.path("spec").path("podSelector").path("matchLabels"), podLabels))
                .toList();
        assertEquals(1, policies.size(), "one NetworkPolicy for the wire pods");
        JsonNode policy = policies.get(0).path("spec");
        assertTrue(policy.path("policyTypes").toString().contains("\"Ingress\""), "the policy restricts ingress");
        Map<String, Integer> containerPorts = new HashMap<>();
        container.path("ports").forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
        Set<Integer> open = new HashSet<>();
        int peerRules = 0;
        for (JsonNode rule : policy.path("ingress")) {
            Set<Integer> ports = new HashSet<>();
            rule.path("ports").forEach(p -> ports.add(p.path("port").isNumber() ? p.path("port").asInt()
                    : containerPorts.getOrDefault(p.path("port").asText(), -1)));
            boolean allPorts = !rule.has("ports") || rule.path("ports").isEmpty();
            if (!allPorts && !ports.contains(peerPort())) {
                open.addAll(ports);
                continue;
            }
            assertFalse(allPorts, "an ingress rule without ports opens the peer port too: " + rule);
            assertTrue(rule.path("from").size() > 0, "the peer port is open to everyone: " + rule);
            for (JsonNode from : rule.path("from")) {
                assertEquals(Set.of("podSelector"), fieldNames(from), "peer port sources must be pods of this namespace: " + from);
                assertEquals("portcullis", from.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText(),
                        "peer port sources must be Portcullis pods: " + from);
            }
            peerRules++;
        }
        assertEquals(1, peerRules, "one ingress rule for the peer port");
        assertEquals(Set.of(settings.wirePort(), settings.httpPort()), open,
                "the policy must keep the wire and HTTP ports open as they were");
    }

    /** Every replica of both planes must open the same sealed secrets and peer messages: one secret key for all. */
    @Test
    void everyReplicaGetsTheSameSecretKey() {
        String variable = ApplicationSettings.envName("portcullis.secret-key");
        Set<String> sources = new HashSet<>();
        int containers = 0;
        for (JsonNode doc : kubernetesDocs()) {
            for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                containers++;
                int found = 0;
                for (JsonNode e : container.path("env")) {
                    if (e.path("name").asText().equals(variable)) {
                        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                        assertFalse(ref.isMissingNode(), variable + " must come from a Secret, not a literal");
                        sources.add(ref.path("name").asText() + "/" + ref.path("key").asText());
                        found++;
                    }
                }
                assertEquals(1, found, doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText() + ": " + variable);
            }
        }
        assertEquals(2, containers);
        assertFalse(configMapEnv().containsKey(variable), "the secret key does not belong in the ConfigMap");
        assertEquals(1, sources.size(), "one secret key Secret for every replica: " + sources);
    }

    /** The ECS tasks reach each other on the peer port through their own security group, and nobody else does. */
    @Test
    void cloudFormationOpensThePeerPortOnlyBetweenTheTasks() {
        JsonNode resources = single("ecs/cloudformation.yaml").path("Resources");
        assertTrue(resources.path("Service").path("Properties").path("DesiredCount").asInt() >= 2, "at least 2 tasks");
        int selfRules = 0;
        for (JsonNode rule : resources.path(TASK_GROUP).path("Properties").path("SecurityGroupIngress")) {
            assertFalse(covers(rule, peerPort()), "the tasks' inline ingress opens the peer port: " + rule);
        }
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
            JsonNode resource = entry.getValue();
            String type = resource.path("Type").asText();
            JsonNode properties = resource.path("Properties");
            if (type.equals("AWS::EC2::SecurityGroupIngress") && refersTo(properties.path("GroupId"), TASK_GROUP)
                    && covers(properties, peerPort())) {
                assertTrue(refersTo(properties.path("SourceSecurityGroupId"), TASK_GROUP),
                        entry.getKey() + ": the peer port must be open to the tasks' own security group only");
                assertFalse(properties.has("CidrIp") || properties.has("CidrIpv6") || properties.has("SourcePrefixListId"),
                        entry.getKey() + ": no address range may reach the peer port");
                selfRules++;
            }
            if (type.equals("AWS::ElasticLoadBalancingV2::Listener") || type.equals("AWS::ElasticLoadBalancingV2::TargetGroup")) {
                assertFalse(properties.path("Port").asInt() == peerPort(), entry.getKey() + " puts the peer port behind the NLB");
            }
        }
        assertEquals(1, selfRules, "one self-referencing ingress rule for the peer port");
        for (JsonNode binding : resources.path("Service").path("Properties").path("LoadBalancers")) {
            assertFalse(binding.path("ContainerPort").asInt() == peerPort(), "the peer port is bound to a load balancer");
        }
        assertTrue(resources.path("Service").path("DependsOn").toString().contains("\"TaskPeerIngress\""),
                "tasks start after the peer rule exists");
    }

    /**
     * Issue 20: every pod and container of both layouts (Knative, each Kustomize rendering) runs as non-root, on a
     * read-only root filesystem, without privilege escalation or capabilities, under the runtime's default seccomp
     * profile. Knative pods carry it on the container (a pod-level securityContext needs a Knative feature flag).
     */
    @Test
    void everyPodAndContainerIsLockedDown() {
        Map<String, List<JsonNode>> layouts = new java.util.LinkedHashMap<>();
        layouts.put("knative", kubernetesDocs());
        KUSTOMIZATIONS.forEach(k -> layouts.put(k, kustomize(k)));
        int containers = 0;
        for (var layout : layouts.entrySet()) {
            for (JsonNode doc : layout.getValue()) {
                JsonNode podSpec = doc.path("spec").path("template").path("spec");
                if (podSpec.isMissingNode()) {
                    continue;
                }
                String where = layout.getKey() + ": " + id(doc);
                boolean knative = doc.path("apiVersion").asText().startsWith("serving.knative.dev/");
                JsonNode pod = podSpec.path("securityContext");
                if (!knative) {
                    assertEquals("true", pod.path("runAsNonRoot").asText(), where + ": pod runAsNonRoot");
                    assertEquals("RuntimeDefault", pod.path("seccompProfile").path("type").asText(), where + ": pod seccompProfile");
                }
                List<JsonNode> all = new ArrayList<>();
                podSpec.path("initContainers").forEach(all::add);
                podSpec.path("containers").forEach(all::add);
                for (JsonNode container : all) {
                    containers++;
                    String in = where + " container " + container.path("name").asText();
                    JsonNode sc = container.path("securityContext");
                    JsonNode nonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot") : pod.path("runAsNonRoot");
                    assertEquals("true", nonRoot.asText(), in + ": runAsNonRoot");
                    assertEquals("true", sc.path("readOnlyRootFilesystem").asText(), in + ": readOnlyRootFilesystem (state belongs on /data)");
                    assertEquals("false", sc.path("allowPrivilegeEscalation").asText(), in + ": allowPrivilegeEscalation");
                    assertEquals("[\"ALL\"]", sc.path("capabilities").path("drop").toString(), in + ": capabilities drop ALL");
                    assertTrue(sc.path("capabilities").path("add").isEmpty(), in + ": adds capabilities");
                    assertFalse(sc.path("privileged").asBoolean(), in + ": privileged");
                    JsonNode seccomp = sc.has("seccompProfile") ? sc.path("seccompProfile") : pod.path("seccompProfile");
                    assertEquals("RuntimeDefault", seccomp.path("type").asText(), in + ": seccompProfile");
                }
            }
        }
        // Knative (API + wire) and the three renderings: both planes, the wire plane, the API plane.
        assertEquals(2 + 2 + 1 + 1, containers, "containers checked");
    }

    /** Each Kustomize rendering: ports, probes on /q/health/*, env names, mounts, metrics annotations, drain, secrets. */
    @Test
    void kustomizeRenderingsMatchTheConfiguration() {
        for (String dir : KUSTOMIZATIONS) {
            List<JsonNode> rendered = kustomize(dir);
            List<JsonNode> configMaps = ofKind(rendered, "ConfigMap");
            assertEquals(1, configMaps.size(), dir + ": one settings ConfigMap");
            Map<String, String> configMap = new HashMap<>();
            configMaps.get(0).path("data").fields().forEachRemaining(e -> configMap.put(e.getKey(), e.getValue().asText()));
            List<JsonNode> deployments = ofKind(rendered, "Deployment");
            assertFalse(deployments.isEmpty(), dir + ": no Deployment");
            for (JsonNode deployment : deployments) {
                String where = dir + ": " + id(deployment);
                boolean wire = deployment.path("metadata").path("labels").path("app.kubernetes.io/component").asText().equals("wire");
                JsonNode pod = deployment.path("spec").path("template");
                JsonNode podSpec = pod.path("spec");
                assertEquals(1, podSpec.path("containers").size(), where + ": one container");
                JsonNode container = podSpec.path("containers").get(0);
                Map<String, Integer> ports = checkContainer(where, container, configMap, wire
                        ? Set.of(settings.wirePort(), settings.httpPort(), peerPort()) : Set.of(settings.httpPort(), peerPort()));
                checkProbe(where, container.path("startupProbe"), "started", ports);
                checkPrometheusAnnotations(where, pod.path("metadata").path("annotations"));
                assertTrue(podSpec.path("terminationGracePeriodSeconds").asLong() > settings.drainTimeout().toSeconds(),
                        where + ": grace period shorter than the drain");
                JsonNode resources = container.path("resources");
                assertTrue(resources.path("requests").has("memory") && resources.path("limits").has("memory"),
                        where + ": memory request and limit (sized from measured RSS)");
                for (String property : List.of("portcullis.secret-key", "portcullis.admin-token", "portcullis.config.postgresql.password")) {
                    String variable = ApplicationSettings.envName(property);
                    JsonNode ref = null;
                    for (JsonNode e : container.path("env")) {
                        if (e.path("name").asText().equals(variable)) {
                            ref = e.path("valueFrom").path("secretKeyRef");
                        }
                    }
                    assertTrue(ref != null && !ref.isMissingNode(), where + ": " + variable + " must come from a Secret");
                    assertEquals("portcullis-secrets", ref.path("name").asText(), where + ": " + variable);
                    assertFalse(configMap.containsKey(variable), dir + ": " + variable + " does not belong in the ConfigMap");
                }
                assertTrue(deployment.path("spec").path("replicas").asInt() >= 2, where + ": at least 2 replicas");
                assertEquals("postgresql", containerEnv(container, configMap).get(ApplicationSettings.envName("portcullis.config.store")),
                        where + ": replicas need the shared PostgreSQL store");
            }
            boolean hasWire = deployments.stream().anyMatch(d -> d.path("metadata").path("name").asText().equals("portcullis-wire"));
            List<JsonNode> balancers = ofKind(rendered, "Service").stream()
                    .filter(d -> d.path("spec").path("type").asText().equals("LoadBalancer")).toList();
            assertEquals(hasWire ? 1 : 0, balancers.size(), dir + ": a LoadBalancer Service exactly with the wire plane");
            for (JsonNode balancer : balancers) {
                Set<Integer> balanced = new HashSet<>();
                balancer.path("spec").path("ports").forEach(p -> balanced.add(p.path("port").asInt()));
                assertEquals(Set.of(settings.wirePort()), balanced, dir + ": the LoadBalancer carries the wire port only");
                assertEquals("wire", balancer.path("spec").path("selector").path("app.kubernetes.io/component").asText(), dir);
            }
        }
        assertTrue(kustomize("kubernetes/overlays/wire").stream().anyMatch(d -> id(d).equals("Deployment portcullis-wire")));
        assertTrue(kustomize("kubernetes/overlays/api").stream().anyMatch(d -> id(d).equals("Deployment portcullis-api")));
    }

    /**
     * Issue 20: every replicated Deployment (the wire plane and the API plane) keeps a pod through voluntary
     * disruptions (a PodDisruptionBudget that allows evicting one at a time) and spreads its pods over nodes.
     */
    @Test
    void replicatedPlanesHaveADisruptionBudgetAndTopologySpread() {
        List<JsonNode> docs = new ArrayList<>(kubernetesDocs());
        List<JsonNode> all = kustomize("kubernetes");
        int checked = 0;
        for (List<JsonNode> layout : List.of(docs, all)) {
            for (JsonNode deployment : ofKind(layout, "Deployment")) {
                String where = id(deployment);
                int replicas = deployment.path("spec").path("replicas").asInt();
                assertTrue(replicas >= 2, where + ": at least 2 replicas");
                JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
                List<JsonNode> budgets = ofKind(layout, "PodDisruptionBudget").stream()
                        .filter(b -> selects(b.path("spec").path("selector").path("matchLabels"), podLabels)).toList();
                assertEquals(1, budgets.size(), where + ": one PodDisruptionBudget for its pods");
                JsonNode budget = budgets.get(0).path("spec");
                if (budget.has("minAvailable")) {
                    int min = budget.path("minAvailable").asInt();
                    assertTrue(budget.path("minAvailable").isInt() && min >= 1 && min < replicas,
                            where + ": minAvailable must keep a pod and still let a drain evict one: " + budget.path("minAvailable"));
                } else {
                    assertTrue(budget.path("maxUnavailable").isInt() && budget.path("maxUnavailable").asInt() >= 1
                            && budget.path("maxUnavailable").asInt() < replicas, where + ": maxUnavailable " + budget.path("maxUnavailable"));
                }
                boolean byNode = false;
                for (JsonNode constraint : deployment.path("spec").path("template").path("spec").path("topologySpreadConstraints")) {
                    assertTrue(selects(constraint.path("labelSelector").path("matchLabels"), podLabels),
                            where + ": a spread constraint that does not select its own pods: " + constraint);
                    if (constraint.path("topologyKey").asText().equals("kubernetes.io/hostname")) {
                        assertEquals(1, constraint.path("maxSkew").asInt(), where + ": maxSkew over nodes");
                        assertEquals("DoNotSchedule", constraint.path("whenUnsatisfiable").asText(), where + ": spread over nodes is a must");
                        byNode = true;
                    }
                }
                assertTrue(byNode, where + ": no topology spread over nodes (kubernetes.io/hostname)");
                checked++;
            }
        }
        assertEquals(3, checked, "the Knative layout's wire Deployment and the Kustomize tree's wire and API Deployments");
    }

    /** deploy/knative applies with kubectl apply -f alone, so it holds copies of Kustomize objects: they must not drift. */
    @Test
    void knativeCopiesEqualTheKustomizeSources() {
        assertEquals(documents.get("kubernetes/components/wire/wire.yaml"), documents.get("knative/pg-wire.yaml"),
                "deploy/knative/pg-wire.yaml must hold the objects of deploy/kubernetes/components/wire/wire.yaml");
        assertEquals(documents.get("kubernetes/base/config.yaml"), documents.get("knative/config.yaml"),
                "deploy/knative/config.yaml must hold the ConfigMap of deploy/kubernetes/base/config.yaml");
    }

    /** The ServiceMonitor example scrapes /q/metrics on the HTTP port of every pod of both planes. */
    @Test
    void serviceMonitorScrapesEveryPlane() {
        JsonNode monitor = single("kubernetes/servicemonitor.yaml");
        assertEquals("ServiceMonitor", monitor.path("kind").asText());
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertEquals(settings.metricsPath(), endpoint.path("path").asText(), "metrics path");
        String portName = endpoint.path("port").asText();
        List<JsonNode> rendered = kustomize("kubernetes");
        for (JsonNode deployment : ofKind(rendered, "Deployment")) {
            JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
            boolean scraped = false;
            for (JsonNode service : ofKind(rendered, "Service")) {
                if (!selects(monitor.path("spec").path("selector").path("matchLabels"), service.path("metadata").path("labels"))
                        || !selects(service.path("spec").path("selector"), podLabels)) {
                    continue;
                }
                for (JsonNode port : service.path("spec").path("ports")) {
                    if (port.path("name").asText().equals(portName)) {
                        Map<String, Integer> containerPorts = new HashMap<>();
                        deployment.path("spec").path("template").path("spec").path("containers").get(0).path("ports")
                                .forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
                        JsonNode target = port.path("targetPort");
                        int number = target.isNumber() ? target.asInt() : containerPorts.getOrDefault(target.asText(), -1);
                        assertEquals(settings.httpPort(), number, id(service) + ": the monitored port is not the HTTP port");
                        scraped = true;
                    }
                }
            }
            assertTrue(scraped, id(deployment) + ": no Service the ServiceMonitor selects carries its port " + portName);
        }
    }

    @Test
    void directlyReadVariablesAreReadByTheCode() throws IOException {
        for (String variable : READ_DIRECTLY) {
            assertTrue(compiledCodeHasString(variable), variable + " is named in the manifests, but no class reads it any more");
        }
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
            if (settings.propertyForEnv(name).isEmpty() && !READ_DIRECTLY.contains(name) && !namedInSettingNames(name)) {
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

    private int peerPort() {
        return Integer.parseInt(settings.defaultOf("portcullis.peer.port"));
    }

    /**
     * Whether {@link io.portcullis.config.SettingNames} declares the property this variable sets. The config package
     * reads some settings by name ({@code Config.getOptionalValue}: the {@code portcullis.config.postgresql.*} ones
     * since the history pruning), which {@link ApplicationSettings}' scan of mappings and injection points misses.
     */
    private static boolean namedInSettingNames(String envName) {
        for (java.lang.reflect.Field field : io.portcullis.config.SettingNames.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String value = (String) field.get(null);
                    if (value.startsWith("portcullis.") && ApplicationSettings.envName(value).equals(envName)) {
                        return true;
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return false;
    }

    /** Whether a Service or NetworkPolicy selector (labels) picks pods with these labels. */
    private static boolean selects(JsonNode selector, JsonNode podLabels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        for (var label : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
            if (!label.getValue().asText().equals(podLabels.path(label.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Whether a security group rule admits this TCP port ({@code -1}: every protocol and port). */
    private static boolean covers(JsonNode rule, int port) {
        String protocol = rule.path("IpProtocol").asText();
        if (protocol.equals("-1")) {
            return true;
        }
        return (protocol.equals("tcp") || protocol.equals("6"))
                && rule.path("FromPort").asInt() <= port && port <= rule.path("ToPort").asInt();
    }

    /** {@code Ref: name} or {@code Fn::GetAtt: [name, ...]}. */
    private static boolean refersTo(JsonNode value, String resource) {
        return resource.equals(value.path("Ref").asText()) || resource.equals(value.path("Fn::GetAtt").path(0).asText());
    }

    /** Whether some compiled class holds this exact string constant (a CONSTANT_Utf8 entry: length, then bytes). */
    private static boolean compiledCodeHasString(String constant) throws IOException {
        byte[] text = constant.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] entry = new byte[text.length + 3];
        entry[0] = 1;
        entry[1] = (byte) (text.length >> 8);
        entry[2] = (byte) text.length;
        System.arraycopy(text, 0, entry, 3, text.length);
        try (Stream<Path> files = Files.walk(Path.of("target/classes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                outer:
                for (int i = 0; i + entry.length <= bytes.length; i++) {
                    for (int j = 0; j < entry.length; j++) {
                        if (bytes[i + j] != entry[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, String> configMapEnv() {
        Map<String, String> env = new HashMap<>();
        kubernetesDocs().stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                .forEach(d -> d.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
        assertFalse(env.isEmpty(), "no shared ConfigMap");
        return env;
    }

    /**
     * The Knative layout (docs/deploy.md): deploy/knative plus the cert-manager certificate. The Kustomize tree is
     * checked per rendering, {@link #kustomize}.
     */
    private static List<JsonNode> kubernetesDocs() {
        return documents.entrySet().stream()
                .filter(e -> e.getKey().startsWith("knative/") || e.getKey().equals("kubernetes/components/wire/certificate.yaml"))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    /**
     * What {@code kubectl kustomize deploy/DIR} renders, for kustomizations that only list resources and components
     * (checked: any other field fails here, as this resolution would not apply it). .ci/run compares nothing with
     * this; it renders with kubectl and validates the result against the Kubernetes schemas.
     */
    private static List<JsonNode> kustomize(String dir) {
        List<JsonNode> rendered = new ArrayList<>();
        JsonNode kustomization = single(dir + "/kustomization.yaml");
        for (String field : (Iterable<String>) kustomization::fieldNames) {
            assertTrue(KUSTOMIZE_FIELDS.contains(field), "deploy/" + dir + "/kustomization.yaml: " + field
                    + " is not resolved by this test; extend DeployManifestsTest.kustomize");
        }
        for (String list : List.of("resources", "components")) {
            for (JsonNode entry : kustomization.path(list)) {
                String path = Path.of(dir).resolve(entry.asText()).normalize().toString().replace('\\', '/');
                if (documents.containsKey(path)) {
                    rendered.addAll(documents.get(path));
                } else {
                    assertTrue(documents.containsKey(path + "/kustomization.yaml"), "deploy/" + dir + ": no " + path);
                    rendered.addAll(kustomize(path));
                }
            }
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode doc : rendered) {
            assertTrue(ids.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText()),
                    "deploy/" + dir + " renders " + doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText() + " twice");
        }
        return rendered;
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && !d.path("apiVersion").asText().startsWith("serving.knative.dev/")).toList();
    }

    private static String id(JsonNode doc) {
        return doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
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
