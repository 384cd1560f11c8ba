package io.portcullis.api;

/**
 * Names shared by the OpenAPI annotations of the resources. The document's title, version and
 * description come from {@code quarkus.smallrye-openapi.info-*} (SmallRye reads
 * {@code @OpenAPIDefinition} only from a JAX-RS {@code Application} class, which this
 * application does not need); the bearer scheme is declared on {@link DatabasesResource}.
 */
final class ApiDocumentation {

    /** The security scheme every operation requires. */
    static final String BEARER = "bearer";

    private ApiDocumentation() {
    }
}
