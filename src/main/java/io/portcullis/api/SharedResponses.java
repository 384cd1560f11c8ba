package io.portcullis.api;

import io.portcullis.config.SettingNames;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The parts of the OpenAPI document that many operations share, defined once under {@code components} and
 * referenced by name: the bearer scheme, the answers any operation of a kind may give (401, 403, 412, 413, 415,
 * 503, 507, 304), the {@code ETag} header and the {@code If-Match}/{@code If-None-Match} parameters.
 * {@link ApiDocumentation} decides which operation gets which.
 */
final class SharedResponses {

    static final String BEARER = "bearer";

    static final String UNAUTHORIZED = "Unauthorized";
    static final String FORBIDDEN = "Forbidden";
    static final String INVALID_BODY = "InvalidBody";
    static final String PRECONDITION_FAILED = "PreconditionFailed";
    static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
    static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    static final String STORE_UNAVAILABLE = "StoreUnavailable";
    static final String INSUFFICIENT_STORAGE = "InsufficientStorage";
    static final String NOT_MODIFIED = "NotModified";

    static final String ETAG = "ETag";
    static final String IF_MATCH = "IfMatch";
    static final String IF_NONE_MATCH = "IfNoneMatch";

    private static final String TAG_EXAMPLE = "\"42\"";

    private SharedResponses() {
    }

    /**
     * Adds the bearer scheme and those shared parts that are in {@code used} (an unused component would only be
     * noise to a reader and to linters).
     */
    static void addTo(Components components, Set<String> used) {
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An API token: 'Authorization: Bearer <token>'. Role admin may write, viewer may only read."));
        if (used.contains(ETAG) || used.contains(NOT_MODIFIED)) {
            components.addHeader(ETAG, OASFactory.createHeader().schema(string()).example(TAG_EXAMPLE)
                    .description("The configuration version this answer shows (after a write: the version it stored), as "
                            + "a strong entity tag. Send it back in If-Match to write only onto that version, or in "
                            + "If-None-Match to read only once something changed."));
        }
        Map<String, Parameter> parameters = Map.of(
                IF_MATCH, header("If-Match", "An ETag from an earlier answer: the request is carried out only if the "
                        + "configuration is still at that version (else 412). '*' matches any version of an existing "
                        + "resource. Left out, the request is carried out whatever changed in between."),
                IF_NONE_MATCH, header("If-None-Match", "An ETag from an earlier answer: when the configuration is still "
                        + "at that version the answer is 304 with no body."));
        Map<String, APIResponse> responses = Map.of(
                UNAUTHORIZED, problem("No token, or one that is not valid (unknown, revoked or malformed).")
                        .addHeader("WWW-Authenticate", OASFactory.createHeader().schema(string())
                                .example("Bearer realm=\"portcullis\", error=\"invalid_token\"")
                                .description("the bearer challenge; error=\"invalid_token\" when a token was sent but is "
                                        + "not valid")),
                FORBIDDEN, problem("The token's role may not do this: it needs the role admin."),
                INVALID_BODY, problem("The body is not valid JSON or does not fit the schema (an unknown or read-only "
                        + "field, a value of the wrong type); the detail names the field."),
                PRECONDITION_FAILED, problem("If-Match does not name the current version: the configuration changed since "
                        + "it was read, or the resource does not exist. Read it again and retry."),
                PAYLOAD_TOO_LARGE, problem("The body is larger than quarkus.http.limits.max-body-size."),
                UNSUPPORTED_MEDIA_TYPE, problem("The body is not application/json."),
                STORE_UNAVAILABLE, problem("The shared configuration store (" + SettingNames.CONFIG_STORE + "="
                        + SettingNames.STORE_POSTGRESQL + ") cannot be reached; the detail says whether the change may "
                        + "have been stored. Read the configuration again before retrying."),
                INSUFFICIENT_STORAGE, problem("The change is valid but could not be stored (disk full or I/O error); "
                        + "nothing changed, the previous version stays in effect."),
                NOT_MODIFIED, OASFactory.createAPIResponse()
                        .description("If-None-Match names the current version: nothing changed since that read.")
                        .addHeader(ETAG, sharedHeader(ETAG)));
        new TreeMap<>(parameters).forEach((name, parameter) -> {
            if (used.contains(name)) {
                components.addParameter(name, parameter);
            }
        });
        new TreeMap<>(responses).forEach((name, response) -> {
            if (used.contains(name)) {
                components.addResponse(name, response);
            }
        });
    }

    /** A reference to the shared response {@code name}. */
    static APIResponse response(String name) {
        return OASFactory.createAPIResponse().ref(name);
    }

    /** A reference to the shared parameter {@code name}. */
    static Parameter parameter(String name) {
        return OASFactory.createParameter().ref(name);
    }

    /** A reference to the shared header {@code name}. */
    static Header sharedHeader(String name) {
        return OASFactory.createHeader().ref(name);
    }

    /** The body of every error answer: an RFC 9457 problem ({@link Problem}). */
    static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")));
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(problemContent());
    }

    private static Parameter header(String name, String description) {
        return OASFactory.createParameter().in(Parameter.In.HEADER).name(name).required(false).schema(string())
                .example(TAG_EXAMPLE).description(description);
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }
}
