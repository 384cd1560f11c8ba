package io.portcullis.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

import java.util.List;
import java.util.Map;

/**
 * Documents the 507 answer (see {@link ProblemMappers#storageFailed}) on every operation that
 * writes the configuration store, in one place instead of one annotation per resource method.
 * Runs at build time only, so the committed {@code openapi/openapi.yaml} carries it.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class StorageFailureDocumentation implements OASFilter {

    static final String STATUS = "507";

    /** Paths whose PUT, POST and DELETE store a new configuration version. */
    private static final List<String> STORING_PATHS = List.of("/api/v1/databases/", "/api/v1/users/",
            "/api/v1/settings", "/api/v1/tokens", "/api/v1/import/", "/api/v1/tls");
    /** Under a storing path, but stores no configuration version (a CSR writes only its pending key). */
    private static final String CSR = "/api/v1/tls/csr";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> entry : openAPI.getPaths().getPathItems().entrySet()) {
            String path = entry.getKey();
            if (path.equals(CSR) || STORING_PATHS.stream().noneMatch(path::startsWith)) {
                continue;
            }
            PathItem item = entry.getValue();
            for (Operation operation : new Operation[] {item.getPUT(), item.getPOST(), item.getDELETE()}) {
                if (operation != null && operation.getResponses() != null) {
                    operation.getResponses().addAPIResponse(STATUS, OASFactory.createAPIResponse()
                            .description("the change is valid but could not be stored (disk full or I/O error); "
                                    + "nothing changed, the previous version stays in effect")
                            .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                                    OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")))));
                }
            }
        }
    }
}
