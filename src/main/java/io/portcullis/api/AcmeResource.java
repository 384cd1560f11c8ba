package io.portcullis.api;

import io.portcullis.acme.AcmeManager;
import io.portcullis.acme.AcmeRequest;
import io.portcullis.acme.AcmeStatus;
import io.portcullis.config.AcmeChallengeType;
import io.portcullis.config.ApiToken;
import io.portcullis.config.GatewayConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * Automatic certificates (ACME, RFC 8555): one domain set whose certificate Portcullis orders from an ACME CA (Let's
 * Encrypt, a private CA), proving control by HTTP-01 on the HTTP port or TLS-ALPN-01 on the wire port, installs as the default or a named (SNI)
 * certificate and renews when a third of its lifetime is left. The work runs in the background
 * ({@link AcmeManager}); this resource stores the request and shows the progress.
 */
@Path("/api/v1/tls/acme")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "tls")
public class AcmeResource {

    private final AcmeManager acme;
    private final Audit audit;

    @Inject
    public AcmeResource(AcmeManager acme, Audit audit) {
        this.acme = acme;
        this.audit = audit;
    }

    /** {@code PUT /api/v1/tls/acme}. */
    @Schema(name = "AcmeRequest")
    public record Request(
            @Schema(required = true, description = "the CA's ACME directory, https",
                    example = "https://acme-staging-v02.api.letsencrypt.org/directory") String directoryUrl,
            @Schema(description = "the account's contact address", example = "ops@example.com") String email,
            @Schema(required = true, description = "DNS names of the one certificate (no IP addresses, no wildcards: "
                    + "HTTP-01 validates each name)", example = "[\"db.example.com\"]") List<String> domains,
            @Schema(required = true, description = "must be true: the account agrees to the CA's terms of service")
            Boolean acceptTermsOfService,
            @Schema(description = "PEM CA certificates the directory's HTTPS is checked against instead of the JDK's "
                    + "(a private ACME CA such as step-ca)") String directoryCaPem,
            @Schema(description = "serve the certificate by SNI as the named certificate of this name; left out, it "
                    + "becomes the default certificate", example = "analytics") String certificateName,
            @Schema(description = "external account binding, for CAs that require one (ZeroSSL, Google, step-ca)")
            ExternalAccountBinding externalAccountBinding,
            @Schema(description = "how the CA validates each name: http-01 on the HTTP port (the CA asks http://NAME/ on "
                    + "port 80), or tls-alpn-01 on the wire port (the CA opens TLS to NAME:443 offering ALPN acme-tls/1)",
                    defaultValue = "http-01") AcmeChallengeType challengeType) {

        @Override
        public String toString() {
            return "AcmeRequest[" + directoryUrl + ", " + domains + "]";
        }
    }

    /** The key id and HMAC key the CA gave for binding the account to an existing one. */
    @Schema(name = "AcmeExternalAccountBinding")
    public record ExternalAccountBinding(
            @Schema(required = true) String keyId,
            @Schema(required = true, writeOnly = true, description = "base64url, as the CA gave it") String hmacKey) {

        @Override
        public String toString() {
            return "ExternalAccountBinding[" + keyId + "]";
        }
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "getAcme", summary = "Show automatic certificates (ACME)",
            description = "The managed domain set, the account at the CA, each domain's state (pending, valid until, "
                    + "next renewal, the CA's error in words) and the order in progress. Never a key.")
    @APIResponse(responseCode = "200", description = "the state", content = @Content(schema = @Schema(implementation = AcmeStatus.class)))
    @APIResponse(responseCode = "404", description = "no certificate is managed by ACME")
    public AcmeStatus get() {
        return acme.status().orElseThrow(() -> ApiProblem.notFound("no certificate is managed by ACME; PUT /api/v1/tls/acme starts"));
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "putAcme", summary = "Manage a certificate by ACME (Let's Encrypt, a private CA)",
            description = "Stores the request and answers at once; the order runs in the background (GET shows it). The CA "
                    + "validates each name by HTTP-01, where it must reach this gateway's HTTP port as http://NAME/ (port 80, "
                    + "forwarded), or by TLS-ALPN-01, where it must reach the wire port as NAME:443. The certificate is then served (the default one, or by SNI under certificateName) and "
                    + "renewed when a third of its lifetime is left; a failure keeps the certificate served and is retried. "
                    + "Replaces the previous request; the account is kept while directory, email and binding stay.")
    @APIResponse(responseCode = "202", description = "stored; the order runs", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = AcmeStatus.class)))
    @APIResponse(responseCode = "400", description = "unusable request; detail says why")
    @APIResponse(responseCode = "409", description = "the certificate it would replace comes from files")
    public Response put(@RequestBody(content = @Content(examples = {@ExampleObject(name = "lets-encrypt-staging",
            summary = "one name from Let's Encrypt's staging CA", value = "{\"directoryUrl\": "
                    + "\"https://acme-staging-v02.api.letsencrypt.org/directory\", \"email\": \"ops@example.com\", "
                    + "\"domains\": [\"db.example.com\"], \"acceptTermsOfService\": true}"),
            @ExampleObject(name = "tls-alpn-01", summary = "validated on the wire port (443), served by SNI",
                    value = "{\"directoryUrl\": \"https://acme-v02.api.letsencrypt.org/directory\", "
                            + "\"domains\": [\"analytics.example.com\"], \"acceptTermsOfService\": true, "
                            + "\"certificateName\": \"analytics\", \"challengeType\": \"tls-alpn-01\"}")})) Request body) {
        if (body == null) {
            throw ApiProblem.badRequest("a body {\"directoryUrl\", \"domains\", \"acceptTermsOfService\": true} is required");
        }
        ExternalAccountBinding eab = body.externalAccountBinding();
        AcmeRequest request = new AcmeRequest(body.directoryUrl(), body.email(), body.domains(),
                Boolean.TRUE.equals(body.acceptTermsOfService()), body.directoryCaPem(), body.certificateName(),
                eab == null ? null : eab.keyId(), eab == null ? null : eab.hmacKey(), body.challengeType());
        if (eab != null && (eab.keyId() == null || eab.hmacKey() == null)) {
            throw ApiProblem.badRequest("externalAccountBinding needs both keyId and hmacKey");
        }
        GatewayConfig written = TlsResource.material(() -> acme.configure(request));
        audit.write("set ACME for " + String.join(", ", request.domains()) + " from " + request.directoryUrl()
                + " by " + request.challenge().wireName()
                + (request.certificateName() == null ? " (default certificate)" : " (named certificate '"
                + request.certificateName() + "')"), written.version());
        return Response.accepted(acme.status().orElse(null)).tag(EntityTags.of(written)).build();
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "deleteAcme", summary = "Stop managing the certificate by ACME",
            description = "No more orders or renewals; the certificate last installed stays served until replaced.")
    @APIResponse(responseCode = "204", description = "stopped", headers = @Header(name = "ETag"))
    @APIResponse(responseCode = "404", description = "no certificate is managed by ACME")
    public Response delete() {
        GatewayConfig written = acme.stopManaging()
                .orElseThrow(() -> ApiProblem.notFound("no certificate is managed by ACME"));
        audit.write("stopped ACME (the certificate stays served)", written.version());
        return Response.noContent().tag(EntityTags.of(written)).build();
    }
}
