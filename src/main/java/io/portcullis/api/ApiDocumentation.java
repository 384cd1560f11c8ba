package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.jboss.jandex.IndexView;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What is true of many operations of the API, stated once here instead of on each resource method. A resource
 * method documents what only it does (its summary, its successes, its own 400/404/409); this filter adds:
 * <ul>
 * <li>the bearer requirement and 401 to every operation with {@code @RolesAllowed}, and 403 where that leaves the
 * viewer role out (read from the index, so the document cannot drift from the authorization it describes);
 * <li>412 and the shared {@code If-Match} parameter where {@code If-Match} is accepted;
 * <li>400 (unless the method says more), 413 and 415 where there is a request body, whose schemas get
 * {@code additionalProperties: false}: {@code quarkus.jackson.fail-on-unknown-properties} refuses unknown
 * fields in every body;
 * <li>503 and 507 on every {@link StoresConfiguration} write;
 * <li>the shared {@code ETag} header wherever an answer carries one, and on a GET whose 200 carries one,
 * {@code If-None-Match} and 304 ({@link EntityTags#read});
 * <li>an {@code application/problem+json} body on every error answer that names none: every error is a
 * {@link Problem} ({@link ProblemMappers}).
 * </ul>
 * It fails the build when an operation has no {@code operationId} (client generators name their methods after
 * it). Runs at build time only; SmallRye hands it the application's Jandex index.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentation implements OASFilter {

    private static final String SCHEMA_PREFIX = "#/components/schemas/";

    private final Map<String, ResourceMethods.ResourceMethod> methods;

    public ApiDocumentation(IndexView index) {
        this.methods = ResourceMethods.byOperationId(index);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        Set<String> used = new HashSet<>();
        Set<String> requestSchemas = new HashSet<>();
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().getOperations().entrySet()) {
                Operation operation = entry.getValue();
                String name = entry.getKey() + " " + path.getKey();
                document(name, entry.getKey(), operation, method(name, operation), used);
                requestSchemas.addAll(requestSchemaNames(operation.getRequestBody()));
            }
        }
        SharedResponses.addTo(components, used);
        SettingsSchema.addTo(components);
        closeRequestSchemas(components, requestSchemas);
    }

    private ResourceMethods.ResourceMethod method(String name, Operation operation) {
        String id = operation.getOperationId();
        if (id == null || id.isBlank()) {
            throw new IllegalStateException(name + " has no operationId: give its @Operation one (client generators "
                    + "name their methods after it)");
        }
        ResourceMethods.ResourceMethod method = methods.get(id);
        if (method == null) {
            throw new IllegalStateException(name + ": no resource method has the operationId " + id);
        }
        return method;
    }

    /** Adds to {@code operation} what applies to it; names the shared parts it refers to in {@code used}. */
    private static void document(String name, PathItem.HttpMethod httpMethod, Operation operation,
                                 ResourceMethods.ResourceMethod method, Set<String> used) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            throw new IllegalStateException(name + " documents no response");
        }
        if (method.secured()) {
            operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(SharedResponses.BEARER)));
            shared(used, responses, "401", SharedResponses.UNAUTHORIZED);
            if (!method.roles().contains(ApiToken.VIEWER)) {
                shared(used, responses, "403", SharedResponses.FORBIDDEN);
            }
        }
        if (replaceHeaderParameter(operation, "If-Match", SharedResponses.IF_MATCH, used)) {
            shared(used, responses, "412", SharedResponses.PRECONDITION_FAILED);
        }
        if (operation.getRequestBody() != null) {
            shared(used, responses, "400", SharedResponses.INVALID_BODY);
            shared(used, responses, "413", SharedResponses.PAYLOAD_TOO_LARGE);
            shared(used, responses, "415", SharedResponses.UNSUPPORTED_MEDIA_TYPE);
        }
        if (method.storesConfiguration()) {
            shared(used, responses, "503", SharedResponses.STORE_UNAVAILABLE);
            shared(used, responses, "507", SharedResponses.INSUFFICIENT_STORAGE);
        }
        boolean tagged = false;
        for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
            tagged |= useSharedEtag(response.getValue(), used) && response.getKey().equals("200");
            if (isError(response.getKey()) && response.getValue().getRef() == null
                    && response.getValue().getContent() == null) {
                response.getValue().setContent(SharedResponses.problemContent());
            }
        }
        if (tagged && httpMethod == PathItem.HttpMethod.GET) {
            operation.addParameter(SharedResponses.parameter(SharedResponses.IF_NONE_MATCH));
            used.add(SharedResponses.IF_NONE_MATCH);
            shared(used, responses, "304", SharedResponses.NOT_MODIFIED);
        }
        responses.setAPIResponses(new TreeMap<>(responses.getAPIResponses()));
    }

    /** 4xx and 5xx, as a status code or a range ({@code 4XX}). */
    private static boolean isError(String status) {
        return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
    }

    /** Adds the shared response {@code name} as {@code status} unless the method documented that status itself. */
    private static void shared(Set<String> used, APIResponses responses, String status, String name) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, SharedResponses.response(name));
            used.add(name);
        }
    }

    /** Replaces the header parameter {@code header} by the shared one; whether the operation has it. */
    private static boolean replaceHeaderParameter(Operation operation, String header, String shared, Set<String> used) {
        if (operation.getParameters() == null) {
            return false;
        }
        boolean found = false;
        List<Parameter> parameters = new ArrayList<>();
        for (Parameter parameter : operation.getParameters()) {
            if (parameter.getIn() == Parameter.In.HEADER && header.equalsIgnoreCase(parameter.getName())) {
                parameters.add(SharedResponses.parameter(shared));
                used.add(shared);
                found = true;
            } else {
                parameters.add(parameter);
            }
        }
        operation.setParameters(parameters);
        return found;
    }

    /** Points an {@code ETag} header of {@code response} to the shared one; whether it has one. */
    private static boolean useSharedEtag(APIResponse response, Set<String> used) {
        Map<String, Header> headers = response.getHeaders();
        if (headers == null) {
            return false;
        }
        for (String name : List.copyOf(headers.keySet())) {
            if (name.equalsIgnoreCase(SharedResponses.ETAG)) {
                response.removeHeader(name);
                response.addHeader(SharedResponses.ETAG, SharedResponses.sharedHeader(SharedResponses.ETAG));
                used.add(SharedResponses.ETAG);
                return true;
            }
        }
        return false;
    }

    private static Set<String> requestSchemaNames(RequestBody body) {
        Set<String> names = new HashSet<>();
        if (body != null && body.getContent() != null && body.getContent().getMediaTypes() != null) {
            for (MediaType type : body.getContent().getMediaTypes().values()) {
                collectReference(type.getSchema(), names);
            }
        }
        return names;
    }

    /**
     * Closes every object schema a request body uses, and those its properties use: the server refuses unknown
     * fields, so a client must not send them.
     */
    private static void closeRequestSchemas(Components components, Set<String> roots) {
        Map<String, Schema> schemas = components.getSchemas();
        List<String> pending = new ArrayList<>(roots);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.remove(pending.size() - 1);
            Schema schema = schemas == null ? null : schemas.get(name);
            if (!seen.add(name) || schema == null || schema.getProperties() == null) {
                continue;
            }
            schema.setAdditionalPropertiesBoolean(Boolean.FALSE);
            Set<String> nested = new HashSet<>();
            schema.getProperties().values().forEach(property -> collectReference(property, nested));
            pending.addAll(nested);
        }
    }

    private static void collectReference(Schema schema, Set<String> names) {
        if (schema == null) {
            return;
        }
        if (schema.getRef() != null && schema.getRef().startsWith(SCHEMA_PREFIX)) {
            names.add(schema.getRef().substring(SCHEMA_PREFIX.length()));
        }
        collectReference(schema.getItems(), names);
        collectReference(schema.getAdditionalPropertiesSchema(), names);
    }
}
