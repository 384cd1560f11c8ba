package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.ConfigStore;
import io.portcullis.testing.Backends;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.TestPki;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Who may do what, for every operation of the served OpenAPI document: each one is called with no token, a
 * malformed one, a revoked one, a viewer's and an admin's, on its canonical path and (refused callers, and
 * an admin for a representative set) under the path spellings that once slipped past a hand-written filter.
 * A refused call answers 401 or 403 (404 or 400 for a spelling that reaches no resource), as problem+json,
 * moves no configuration version and writes no audit line; an accepted write writes exactly one.
 *
 * <p>Requests go over a raw socket ({@link RawHttp}), so every spelling reaches the server as written. An
 * operation the document serves that has no fixture here fails the build: a new endpoint joins the matrix
 * before it ships.
 */
@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuthorizationMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_NAME = AdminTokenBootstrap.TOKEN_NAME;
    private static final String DB = "mx_db";
    private static final String USER = "mx_user";
    private static final String PASSWORD = "mx-user-password-1";
    /**
     * Authorization headers that carry no usable token, one per operation in turn, each with whether it presents
     * a bearer token at all (then the challenge says invalid_token).
     */
    private static final List<Map.Entry<String, Boolean>> MALFORMED = List.of(Map.entry("Bearer", false),
            Map.entry("Basic dGVzdDp0ZXN0", false), Map.entry("Bearer " + "x".repeat(600), true),
            Map.entry("Bearer not a token", true), Map.entry("Bearerabc", false), Map.entry("Bearer \"quoted\"", true),
            Map.entry("bearer  ", false));

    /** The callers of the matrix. */
    enum Caller { NONE, MALFORMED, REVOKED, VIEWER, ADMIN }

    /** What an accepted call does: reads, stores a configuration version, or acts on the running gateway. */
    enum Effect { READ, STORES, ACTION }

    /**
     * How to call one operation so that an admin succeeds: the concrete path, the body, what to set up before
     * (so that a refused call is refused for its caller, not for a missing resource) and to undo after. Path
     * and body are read when the call is made: some name things the set-up made.
     */
    record Fixture(Supplier<String> path, Supplier<String> body, Effect effect, Set<Integer> adminStatus,
                   boolean viewerAllowed, Step prepare, Step cleanup) {

        static Fixture read(String path) {
            return new Fixture(() -> path, () -> null, Effect.READ, Set.of(200), true, Step.NONE, Step.NONE);
        }

        static Fixture adminRead(String path) {
            return new Fixture(() -> path, () -> null, Effect.READ, Set.of(200), false, Step.NONE, Step.NONE);
        }

        static Fixture write(String path, String body, Effect effect, int... adminStatus) {
            return write(() -> path, () -> body, effect, adminStatus);
        }

        static Fixture write(Supplier<String> path, Supplier<String> body, Effect effect, int... adminStatus) {
            Set<Integer> statuses = new TreeSet<>();
            for (int s : adminStatus) {
                statuses.add(s);
            }
            return new Fixture(path, body, effect, statuses, false, Step.NONE, Step.NONE);
        }

        Fixture before(Step step) {
            return new Fixture(path, body, effect, adminStatus, viewerAllowed, step, cleanup);
        }

        Fixture after(Step step) {
            return new Fixture(path, body, effect, adminStatus, viewerAllowed, prepare, step);
        }
    }

    /** A set-up or clean-up step, run as the admin through the API. */
    interface Step {
        Step NONE = () -> { };

        void run() throws Exception;
    }

    /** A spelling of a canonical path, as an attacker would write it. */
    record Spelling(String name, UnaryOperator<String> apply) {
    }

    private static final List<Spelling> SPELLINGS = List.of(
            new Spelling("/../api", p -> "/.." + p),
            new Spelling("/%2e%2e/api", p -> "/%2e%2e" + p),
            new Spelling("/%2E%2E/api", p -> "/%2E%2E" + p),
            new Spelling("/%2e/api", p -> "/%2e" + p),
            new Spelling("/./api", p -> "/." + p),
            new Spelling("//api", p -> "/" + p),
            new Spelling("/q/../api", p -> "/q/.." + p),
            new Spelling("/x/..%2Fapi", p -> "/x/..%2F" + p.substring(1)),
            new Spelling("/api/v1//x", p -> p.replaceFirst("^/api/v1/", "/api/v1//")),
            new Spelling("/api/v1/./x", p -> p.replaceFirst("^/api/v1/", "/api/v1/./")),
            new Spelling("/api/v1/x/y/../y", p -> p + "/../" + p.substring(p.lastIndexOf('/') + 1)),
            new Spelling("trailing /", p -> p + "/"),
            new Spelling("/api;a=b/", p -> p.replaceFirst("^/api/", "/api;a=b/")),
            new Spelling("/api/v1;a=b/", p -> p.replaceFirst("^/api/v1/", "/api/v1;a=b/")),
            new Spelling("x;a=b", p -> p + ";a=b"),
            new Spelling("/api%2Fv1", p -> p.replaceFirst("^/api/v1/", "/api%2Fv1/")),
            new Spelling("/api%5Cv1", p -> p.replaceFirst("^/api/v1/", "/api%5Cv1/")),
            new Spelling("/%61%70%69", p -> p.replaceFirst("^/api/", "/%61%70%69/")),
            new Spelling("/api/%76%31", p -> p.replaceFirst("^/api/v1/", "/api/%76%31/")),
            new Spelling("/API", p -> p.replaceFirst("^/api/", "/API/")),
            new Spelling("/Api/V1", p -> p.replaceFirst("^/api/v1/", "/Api/V1/")));

    /** Operations an admin also calls under every spelling: one of each write method, a runtime action, a read. */
    private static final List<String> ADMIN_SPELLED = List.of("GET /api/v1/users", "PUT /api/v1/users/{name}",
            "DELETE /api/v1/databases/{name}", "POST /api/v1/tokens", "POST /api/v1/pools/{database}/pause",
            "PUT /api/v1/settings");

    private static String viewerToken;
    private static String revokedToken;
    private static String certificatePem;
    private static String keyPem;
    /** A PUT body for a named (SNI) certificate. */
    private static String namedBody;
    private static String caPem;
    /** A client session for DELETE /clients/{id} to end, and its id. */
    private static Connection client;
    private static int clientId;

    @Inject
    ConfigStore store;

    private final Queue<String> audited = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        if (viewerToken != null) {
            return;
        }
        viewerToken = asAdmin().body("{\"name\":\"mx-viewer\",\"role\":\"viewer\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract().path("token");
        revokedToken = asAdmin().body("{\"name\":\"mx-revoked\",\"role\":\"admin\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract().path("token");
        asAdmin().delete("/api/v1/tokens/mx-revoked").then().statusCode(204);
        QuestDbServer questdb = Backends.questdb();
        asAdmin().body(Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 2)).put("/api/v1/databases/" + DB).then().statusCode(201);
        asAdmin().body(Map.of("password", PASSWORD)).put("/api/v1/users/" + USER).then().statusCode(201);
        connect().close(); // the database's pool exists from its first client on
        TestPki.Issued ca = TestPki.ca("Matrix CA");
        TestPki.Issued server = TestPki.server(ca, "localhost", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(2)));
        certificatePem = server.certificatePem() + ca.certificatePem();
        keyPem = server.keyPem();
        caPem = ca.certificatePem();
        TestPki.Issued named = TestPki.server(ca, "mx-named", java.util.List.of("mx-named.example.test"), java.util.List.of());
        namedBody = json(Map.of("certificateChainPem", named.certificatePem(), "privateKeyPem", named.keyPem()));
    }

    /** Every operation, every caller, canonical path. */
    @Test
    void everyOperationAnswersEachCallerAsItsRolesAllow() throws Exception {
        Map<String, Fixture> fixtures = fixtures();
        List<String> failures = new ArrayList<>();
        int index = 0;
        for (String operation : servedOperations()) {
            Fixture fixture = fixtures.get(operation);
            if (fixture == null) {
                continue; // reported by everyServedOperationIsInTheMatrix
            }
            String method = operation.substring(0, operation.indexOf(' '));
            fixture.prepare().run();
            try {
                for (Caller caller : Caller.values()) {
                    String authorization = authorization(caller, index);
                    Observed seen = call(method, fixture.path().get(), fixture.body().get(), authorization);
                    String what = operation + " as " + caller + " (" + fixture.path().get() + ")";
                    if (caller == Caller.ADMIN || caller == Caller.VIEWER && fixture.viewerAllowed()) {
                        expectAccepted(failures, what, fixture.adminStatus(), fixture.effect(), seen,
                                caller == Caller.ADMIN ? ADMIN_NAME : "mx-viewer");
                    } else if (caller == Caller.VIEWER) {
                        expectRefused(failures, what, seen, Set.of(403));
                    } else {
                        expectRefused(failures, what, seen, Set.of(401));
                        expectChallenge(failures, what, seen, caller == Caller.REVOKED
                                || caller == Caller.MALFORMED && MALFORMED.get(index % MALFORMED.size()).getValue());
                    }
                }
            } finally {
                fixture.cleanup().run();
            }
            index++;
        }
        assertTrue(failures.isEmpty(), failures.size() + " unexpected answers:\n" + String.join("\n", failures));
    }

    /**
     * Every operation under every spelling, without a token and (writes) with a viewer's: never a 2xx, never a
     * change, never an audit line. An admin under every spelling, for a representative set: whatever a spelling
     * reaches, an accepted write is audited and a refused one changes nothing.
     */
    @Test
    void noPathSpellingLetsACallerPastItsRoles() throws Exception {
        Map<String, Fixture> fixtures = fixtures();
        List<String> failures = new ArrayList<>();
        for (String operation : servedOperations()) {
            Fixture fixture = fixtures.get(operation);
            if (fixture == null) {
                continue;
            }
            String method = operation.substring(0, operation.indexOf(' '));
            fixture.prepare().run();
            try {
                for (Spelling spelling : SPELLINGS) {
                    String path = spelling.apply().apply(fixture.path().get());
                    String what = operation + " spelled " + spelling.name() + " (" + path + ")";
                    expectRefused(failures, what + " without a token", call(method, path, fixture.body().get(), null),
                            Set.of(400, 401, 404));
                    if (fixture.effect() != Effect.READ || !fixture.viewerAllowed()) {
                        expectRefused(failures, what + " as viewer", call(method, path, fixture.body().get(), bearer(viewerToken)),
                                Set.of(400, 403, 404));
                    }
                }
            } finally {
                fixture.cleanup().run();
            }
        }
        for (String operation : ADMIN_SPELLED) {
            Fixture fixture = fixtures.get(operation);
            String method = operation.substring(0, operation.indexOf(' '));
            for (Spelling spelling : SPELLINGS) {
                String path = spelling.apply().apply(fixture.path().get());
                fixture.prepare().run();
                try {
                    Observed seen = call(method, path, fixture.body().get(), bearer(ADMIN_TOKEN_VALUE));
                    String what = operation + " spelled " + spelling.name() + " (" + path + ") as ADMIN";
                    if (seen.answer().status() < 300) {
                        expectAccepted(failures, what, Set.of(seen.answer().status()), fixture.effect(), seen, ADMIN_NAME);
                    } else {
                        expectRefused(failures, what, seen, Set.of(400, 404, 405));
                    }
                } finally {
                    fixture.cleanup().run();
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " unexpected answers:\n" + String.join("\n", failures));
    }

    /** The matrix knows every operation the API serves, and nothing it does not serve. */
    @Test
    void everyServedOperationIsInTheMatrix() throws Exception {
        Set<String> served = new TreeSet<>(servedOperations());
        Set<String> missing = new TreeSet<>(served);
        missing.removeAll(fixtures().keySet());
        assertTrue(missing.isEmpty(), "operations without a fixture in " + getClass().getSimpleName()
                + " (add one, with the roles it allows): " + missing);
        Set<String> stale = new TreeSet<>(fixtures().keySet());
        stale.removeAll(served);
        assertTrue(stale.isEmpty(), "fixtures for operations the API no longer serves: " + stale);
        assertTrue(served.size() >= 30, "the document lists only " + served);
    }

    /**
     * The document tells clients what the matrix proves, no more and no less: 401 for every operation, 403 exactly
     * where a viewer is refused, and the store's failures (503, 507) exactly where an accepted call stores a new
     * configuration version. ({@link ApiDocumentation} derives them from {@code @RolesAllowed} and
     * {@link StoresConfiguration}; this holds those against what the operations do.)
     */
    @Test
    void theDocumentListsEachOperationsRefusals() throws Exception {
        JsonNode paths = spec().get("paths");
        Map<String, Fixture> fixtures = fixtures();
        List<String> failures = new ArrayList<>();
        for (String operation : servedOperations()) {
            String method = operation.substring(0, operation.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
            JsonNode responses = paths.get(operation.substring(operation.indexOf(' ') + 1)).get(method).get("responses");
            Fixture fixture = fixtures.get(operation);
            if (!responses.has("401")) {
                failures.add(operation + " does not document 401");
            }
            if (fixture.viewerAllowed() == responses.has("403")) {
                failures.add(operation + (fixture.viewerAllowed() ? " documents 403, but a viewer may call it"
                        : " does not document 403"));
            }
            boolean stores = fixture.effect() == Effect.STORES;
            for (String status : List.of("503", "507")) {
                if (stores != responses.has(status)) {
                    failures.add(operation + (stores ? " stores a configuration version but does not document " + status
                            : " documents " + status + " but stores no configuration version"));
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    // ---- what the answers must be

    private static void expectAccepted(List<String> failures, String what, Set<Integer> statuses, Effect effect, Observed seen,
                                       String tokenName) {
        if (!statuses.contains(seen.answer().status())) {
            failures.add(what + ": expected " + statuses + ", got " + seen.answer());
            return;
        }
        long moved = seen.versionAfter() - seen.versionBefore();
        List<String> lines = seen.audit();
        switch (effect) {
            case READ -> {
                if (moved != 0 || !lines.isEmpty()) {
                    failures.add(what + ": a read moved the version by " + moved + " or was audited: " + lines);
                }
            }
            case STORES -> {
                if (moved < 1) {
                    failures.add(what + ": an accepted write stored no new configuration version");
                }
                if (lines.size() != 1 || !lines.get(0).startsWith("token '" + tokenName + "' ")
                        || !lines.get(0).contains("-> " + seen.versionAfter() + ")")) {
                    failures.add(what + ": expected one audit line by '" + tokenName + "' ending at version "
                            + seen.versionAfter() + ", got " + lines);
                }
            }
            case ACTION -> {
                if (moved != 0) {
                    failures.add(what + ": a runtime action moved the configuration version by " + moved);
                }
                if (lines.size() != 1 || !lines.get(0).startsWith("token '" + tokenName + "' ")
                        || !lines.get(0).contains("runtime action")) {
                    failures.add(what + ": expected one runtime-action audit line by '" + tokenName + "', got " + lines);
                }
            }
        }
    }

    private static void expectRefused(List<String> failures, String what, Observed seen, Set<Integer> allowed) {
        RawHttp.Answer answer = seen.answer();
        if (!allowed.contains(answer.status())) {
            failures.add(what + ": expected one of " + allowed + ", got " + answer);
        } else if ((answer.status() == 401 || answer.status() == 403)
                && !String.valueOf(answer.header("content-type")).startsWith(Problem.MEDIA_TYPE)) {
            failures.add(what + ": a refusal must be " + Problem.MEDIA_TYPE + ", got " + answer);
        }
        if (seen.versionAfter() != seen.versionBefore()) {
            failures.add(what + ": a refused call moved the configuration version " + seen.versionBefore() + " -> "
                    + seen.versionAfter());
        }
        if (!seen.audit().isEmpty()) {
            failures.add(what + ": a refused call was audited: " + seen.audit());
        }
    }

    private static void expectChallenge(List<String> failures, String what, Observed seen, boolean tokenPresented) {
        String challenge = seen.answer().header("www-authenticate");
        String wanted = tokenPresented ? "Bearer realm=\"portcullis\", error=\"invalid_token\"" : "Bearer realm=\"portcullis\"";
        if (!wanted.equals(challenge)) {
            failures.add(what + ": expected WWW-Authenticate " + wanted + ", got " + challenge);
        }
        String detail = tokenPresented ? "\"detail\":\"the API token is not valid\"" : "Authorization: Bearer <token>";
        if (!seen.answer().body().contains(detail)) {
            failures.add(what + ": expected a detail with " + detail + ", got " + seen.answer().body());
        }
    }

    // ---- calling

    record Observed(RawHttp.Answer answer, long versionBefore, long versionAfter, List<String> audit) {
    }

    private Observed call(String method, String path, String body, String authorization) throws Exception {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("Authorization", authorization);
        Logger audit = Logger.getLogger(Audit.CATEGORY);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                audited.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        audited.clear();
        long before = store.current().version();
        audit.addHandler(capture);
        RawHttp.Answer answer;
        try {
            answer = RawHttp.send(RestAssured.port, method, path, headers,
                    body == null && !method.equals("GET") && !method.equals("DELETE") ? "" : body);
        } finally {
            audit.removeHandler(capture);
        }
        return new Observed(answer, before, store.current().version(), List.copyOf(audited));
    }

    private static String authorization(Caller caller, int index) {
        return switch (caller) {
            case NONE -> null;
            case MALFORMED -> MALFORMED.get(index % MALFORMED.size()).getKey();
            case REVOKED -> bearer(revokedToken);
            case VIEWER -> bearer(viewerToken);
            case ADMIN -> bearer(ADMIN_TOKEN_VALUE);
        };
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static JsonNode spec() throws Exception {
        return JSON.readTree(RestAssured.given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    /** "METHOD /path/{param}" for every operation of the served document. */
    private static List<String> servedOperations() throws Exception {
        List<String> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(method)) {
                    operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    private static Connection connect() throws Exception {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", "require");
        props.setProperty("connectTimeout", "10");
        int port = ConfigProvider.getConfig().getValue("portcullis.listen.port", Integer.class);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DB, props);
    }

    // ---- the fixtures: one per operation

    private static Map<String, Fixture> fixtures() {
        String database = "{\"host\":\"127.0.0.1\",\"port\":9,\"user\":\"u\",\"password\":\"mx-backend-secret\"}";
        Map<String, Fixture> f = new LinkedHashMap<>();
        f.put("GET /api/v1/clients", Fixture.read("/api/v1/clients"));
        f.put("DELETE /api/v1/clients/{id}", Fixture.write(() -> "/api/v1/clients/" + clientId, () -> null, Effect.ACTION, 204)
                .before(() -> {
                    client = connect();
                    clientId = client.unwrap(PGConnection.class).getBackendPID();
                })
                .after(() -> client.close()));
        f.put("GET /api/v1/databases", Fixture.read("/api/v1/databases"));
        f.put("GET /api/v1/databases/{name}", Fixture.read("/api/v1/databases/" + DB));
        f.put("PUT /api/v1/databases/{name}", Fixture.write("/api/v1/databases/mx_put", database, Effect.STORES, 200, 201));
        f.put("DELETE /api/v1/databases/{name}", Fixture.write("/api/v1/databases/mx_doomed", null, Effect.STORES, 204)
                .before(() -> asAdmin().body(database).put("/api/v1/databases/mx_doomed").then().statusCode(anyOf(200, 201)))
                .after(() -> asAdmin().delete("/api/v1/databases/mx_doomed")));
        f.put("POST /api/v1/import/pgbouncer", Fixture.write("/api/v1/import/pgbouncer",
                "{\"ini\":\"[databases]\\nmx_imported = host=127.0.0.1 port=9 dbname=x user=u password=mx-imported-secret\\n\"}", Effect.STORES, 200));
        f.put("GET /api/v1/pools", Fixture.read("/api/v1/pools"));
        f.put("POST /api/v1/pools/{database}/disable", Fixture.write("/api/v1/pools/" + DB + "/disable", null, Effect.STORES, 200)
                .after(() -> pool("enable")));
        f.put("POST /api/v1/pools/{database}/enable", Fixture.write("/api/v1/pools/" + DB + "/enable", null, Effect.STORES, 200)
                .before(() -> pool("disable")));
        f.put("POST /api/v1/pools/{database}/kill", Fixture.write("/api/v1/pools/" + DB + "/kill", null, Effect.ACTION, 200)
                .after(() -> pool("resume")));
        f.put("POST /api/v1/pools/{database}/pause", Fixture.write("/api/v1/pools/" + DB + "/pause", null, Effect.STORES, 200)
                .after(() -> pool("resume")));
        f.put("POST /api/v1/pools/{database}/reconnect", Fixture.write("/api/v1/pools/" + DB + "/reconnect", null, Effect.ACTION, 200));
        f.put("POST /api/v1/pools/{database}/resume", Fixture.write("/api/v1/pools/" + DB + "/resume", null, Effect.STORES, 200)
                .before(() -> pool("pause")).after(() -> pool("resume")));
        f.put("GET /api/v1/replicas", Fixture.read("/api/v1/replicas"));
        f.put("GET /api/v1/servers", Fixture.read("/api/v1/servers"));
        f.put("GET /api/v1/settings", Fixture.read("/api/v1/settings"));
        f.put("PUT /api/v1/settings", Fixture.write("/api/v1/settings", "{\"queryTimeout\":\"77s\"}", Effect.STORES, 200)
                .after(() -> asAdmin().body("{}").put("/api/v1/settings").then().statusCode(200)));
        f.put("GET /api/v1/stats", Fixture.read("/api/v1/stats"));
        f.put("GET /api/v1/tls", Fixture.read("/api/v1/tls"));
        f.put("PUT /api/v1/tls", Fixture.write("/api/v1/tls", "{\"mode\":\"require\"}", Effect.STORES, 200));
        f.put("PUT /api/v1/tls/certificate", Fixture.write(() -> "/api/v1/tls/certificate",
                () -> json(Map.of("certificateChainPem", certificatePem, "privateKeyPem", keyPem)), Effect.STORES, 200));
        f.put("POST /api/v1/tls/certificate/self-signed", Fixture.write("/api/v1/tls/certificate/self-signed",
                "{\"commonName\":\"localhost\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\"],\"validDays\":30}",
                Effect.STORES, 200));
        f.put("PUT /api/v1/tls/client-ca", Fixture.write(() -> "/api/v1/tls/client-ca", () -> json(Map.of("caPem", caPem)),
                Effect.STORES, 200).after(() -> asAdmin().delete("/api/v1/tls/client-ca")));
        f.put("DELETE /api/v1/tls/client-ca", Fixture.write("/api/v1/tls/client-ca", null, Effect.STORES, 204)
                .before(() -> asAdmin().body(Map.of("caPem", caPem)).put("/api/v1/tls/client-ca").then().statusCode(200))
                .after(() -> asAdmin().delete("/api/v1/tls/client-ca")));
        f.put("GET /api/v1/tls/certificates", Fixture.read("/api/v1/tls/certificates"));
        f.put("GET /api/v1/tls/certificates/{name}", Fixture.read("/api/v1/tls/certificates/mx-read")
                .before(() -> asAdmin().body(namedBody).put("/api/v1/tls/certificates/mx-read").then().statusCode(anyOf(200, 201)))
                .after(() -> asAdmin().delete("/api/v1/tls/certificates/mx-read")));
        f.put("PUT /api/v1/tls/certificates/{name}", Fixture.write(() -> "/api/v1/tls/certificates/mx-put", () -> namedBody,
                Effect.STORES, 200, 201).after(() -> asAdmin().delete("/api/v1/tls/certificates/mx-put")));
        f.put("DELETE /api/v1/tls/certificates/{name}", Fixture.write("/api/v1/tls/certificates/mx-gone", null, Effect.STORES, 204)
                .before(() -> asAdmin().body(namedBody).put("/api/v1/tls/certificates/mx-gone").then().statusCode(anyOf(200, 201)))
                .after(() -> asAdmin().delete("/api/v1/tls/certificates/mx-gone")));
        // ACME against a directory nobody serves: the order fails in the background; the request is what is tested.
        String acme = "{\"directoryUrl\":\"https://127.0.0.1:9/dir\",\"domains\":[\"matrix.example.com\"],"
                + "\"acceptTermsOfService\":true}";
        f.put("GET /api/v1/tls/acme", Fixture.read("/api/v1/tls/acme")
                .before(() -> asAdmin().body(acme).put("/api/v1/tls/acme").then().statusCode(202))
                .after(() -> asAdmin().delete("/api/v1/tls/acme")));
        f.put("PUT /api/v1/tls/acme", Fixture.write("/api/v1/tls/acme", acme, Effect.STORES, 202)
                .after(() -> asAdmin().delete("/api/v1/tls/acme")));
        f.put("DELETE /api/v1/tls/acme", Fixture.write("/api/v1/tls/acme", null, Effect.STORES, 204)
                .before(() -> asAdmin().body(acme).put("/api/v1/tls/acme").then().statusCode(202))
                .after(() -> asAdmin().delete("/api/v1/tls/acme")));
        f.put("POST /api/v1/tls/csr", Fixture.write("/api/v1/tls/csr", "{\"subject\":\"CN=matrix.example\"}", Effect.STORES, 200));
        f.put("GET /api/v1/tokens", Fixture.adminRead("/api/v1/tokens"));
        f.put("POST /api/v1/tokens", Fixture.write("/api/v1/tokens", "{\"name\":\"mx-new\",\"role\":\"viewer\"}", Effect.STORES, 201)
                .after(() -> asAdmin().delete("/api/v1/tokens/mx-new")));
        f.put("DELETE /api/v1/tokens/{name}", Fixture.write("/api/v1/tokens/mx-gone", null, Effect.STORES, 204)
                .before(() -> asAdmin().body("{\"name\":\"mx-gone\",\"role\":\"viewer\"}").post("/api/v1/tokens").then().statusCode(201))
                .after(() -> asAdmin().delete("/api/v1/tokens/mx-gone")));
        f.put("GET /api/v1/users", Fixture.read("/api/v1/users"));
        f.put("GET /api/v1/users/{name}", Fixture.read("/api/v1/users/" + USER));
        f.put("PUT /api/v1/users/{name}", Fixture.write("/api/v1/users/mx_put", "{\"password\":\"mx-put-password-1\"}",
                Effect.STORES, 200, 201));
        f.put("DELETE /api/v1/users/{name}", Fixture.write("/api/v1/users/mx_doomed", null, Effect.STORES, 204)
                .before(() -> asAdmin().body("{\"password\":\"mx-doomed-password\"}").put("/api/v1/users/mx_doomed")
                        .then().statusCode(anyOf(200, 201)))
                .after(() -> asAdmin().delete("/api/v1/users/mx_doomed")));
        return f;
    }

    /** A pool control as set-up or clean-up; 409 (already in that state) is fine: a refused call changed nothing. */
    private static void pool(String action) {
        asAdmin().post("/api/v1/pools/" + DB + "/" + action).then().statusCode(anyOf(200, 409));
    }

    private static org.hamcrest.Matcher<Integer> anyOf(int a, int b) {
        return org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(a), org.hamcrest.Matchers.is(b));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
