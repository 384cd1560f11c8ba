package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.NamedCertificate;
import io.portcullis.tls.CertificateInfo;
import io.portcullis.tls.SniCertificate;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.TlsMaterial;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.List;

/**
 * Certificates chosen by the client's TLS server name (SNI): besides the default certificate ({@code /tls/certificate}),
 * one per name or wildcard its subject alternative DNS names cover, so {@code sslmode=verify-full} works for every
 * host name on one port. Stored (keys sealed) and served by every replica sharing the store; a change applies to new
 * handshakes at once, open sessions keep theirs.
 */
@Path("/api/v1/tls/certificates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "tls")
public class NamedCertificatesResource {

    private final ConfigStore store;
    private final TlsAdministration tls;
    private final Audit audit;

    @Inject
    public NamedCertificatesResource(ConfigStore store, TlsAdministration tls, Audit audit) {
        this.store = store;
        this.tls = tls;
        this.audit = audit;
    }

    /**
     * A named certificate as served.
     *
     * @param name     its name
     * @param dnsNames the server names it is chosen for
     * @param source   {@code api} (stored through this API) or {@code file} ({@code portcullis.tls.sni-cert-dir})
     */
    @Schema(name = "NamedCertificate")
    public record View(String name, List<String> dnsNames, CertificateInfo certificate,
                       @Schema(enumeration = {"api", "file"}) String source) {
    }

    private View view(SniCertificate served) {
        return new View(served.name(), served.dnsNames(), served.material().info(), tls.namedFromFiles() ? "file" : "api");
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "listNamedCertificates", summary = "List the certificates chosen by server name (SNI)",
            description = "Each named certificate served now, with the DNS names it is chosen for and its details. "
                    + "Clients whose server name none covers get the default certificate (GET /tls).")
    @APIResponse(responseCode = "200", description = "the named certificates served now",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = View.class)))
    public List<View> list() {
        return tls.state().named().stream().map(this::view).toList();
    }

    @GET
    @Path("{name}")
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "getNamedCertificate", summary = "Read one certificate chosen by server name",
            description = "The certificate of that name as served now: DNS names, subject, issuer, validity, fingerprint.")
    @APIResponse(responseCode = "200", description = "the certificate", content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "404", description = "no certificate of that name")
    public View get(@PathParam("name") String name) {
        return tls.state().named().stream().filter(c -> c.name().equals(name)).findFirst().map(this::view)
                .orElseThrow(() -> ApiProblem.notFound("no named certificate '" + safe(name) + "'"));
    }

    @PUT
    @Path("{name}")
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "putNamedCertificate", summary = "Install a certificate chosen by server name (SNI)",
            description = "The chain (server certificate first) and its private key, PEM. Served to TLS clients whose server "
                    + "name its subject alternative DNS names cover (exact names, or *.example.com for one label); other "
                    + "clients keep getting the default certificate. Checked before anything changes: key matches "
                    + "certificate, chain order and signatures, validity dates, at least one DNS name. Replaces the "
                    + "certificate of the same name.")
    @APIResponse(responseCode = "201", description = "installed", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "200", description = "replaced", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "400", description = "unusable name, certificate or key; detail says why")
    @APIResponse(responseCode = "409", description = "named certificates come from portcullis.tls.sni-cert-dir")
    public Response put(@PathParam("name") String name, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                        @RequestBody(content = @Content(examples = @ExampleObject(name = "one-host-name",
                                summary = "a certificate for analytics.example.com, its intermediate and key (shortened)",
                                value = "{\"certificateChainPem\": \"-----BEGIN CERTIFICATE-----\\nMIIB...\\n"
                                        + "-----END CERTIFICATE-----\\n-----BEGIN CERTIFICATE-----\\nMIIB...\\n"
                                        + "-----END CERTIFICATE-----\\n\", \"privateKeyPem\": "
                                        + "\"-----BEGIN PRIVATE KEY-----\\nMIGH...\\n-----END PRIVATE KEY-----\\n\"}")))
                        TlsRequests.NamedCertificate body) {
        requireName(name);
        if (body == null || body.certificateChainPem() == null || body.certificateChainPem().isBlank()
                || body.privateKeyPem() == null || body.privateKeyPem().isBlank()) {
            throw ApiProblem.badRequest("certificateChainPem and privateKeyPem are required");
        }
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        boolean replaces = seen.tls().namedCertificate(name).isPresent();
        char[] passphrase = body.passphrase() == null ? null : body.passphrase().toCharArray();
        TlsMaterial material = TlsResource.material(() -> TlsMaterial.parse(body.certificateChainPem(),
                body.privateKeyPem(), passphrase, Clock.systemUTC()));
        GatewayConfig result = TlsResource.material(() -> tls.installNamedCertificate(name, material, expected));
        audit.write("installed the named certificate '" + name + "' (SHA-256 " + material.info().sha256Fingerprint() + ")",
                result.version());
        return Response.status(replaces ? 200 : 201).entity(get(name)).tag(EntityTags.of(result)).build();
    }

    @DELETE
    @Path("{name}")
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "deleteNamedCertificate", summary = "Stop serving a certificate chosen by server name",
            description = "Clients asking for its names get the default certificate from the next handshake on.")
    @APIResponse(responseCode = "204", description = "removed", headers = @Header(name = "ETag"))
    @APIResponse(responseCode = "404", description = "no certificate of that name")
    @APIResponse(responseCode = "409", description = "named certificates come from portcullis.tls.sni-cert-dir")
    public Response delete(@PathParam("name") String name, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        requireName(name);
        long expected = EntityTags.expectedVersion(ifMatch, store.current(), true);
        GatewayConfig result = TlsResource.material(() -> tls.removeNamedCertificate(name, expected))
                .orElseThrow(() -> ApiProblem.notFound("no named certificate '" + name + "'"));
        audit.write("removed the named certificate '" + name + "'", result.version());
        return Response.noContent().tag(EntityTags.of(result)).build();
    }

    private static void requireName(String name) {
        if (name == null || !NamedCertificate.NAME.matcher(name).matches()) {
            throw ApiProblem.badRequest("a certificate name is lower-case letters, digits and '-', at most 63, starting "
                    + "with a letter or digit");
        }
    }

    /** A name from the URL that failed no check yet: shown only when it is a valid name. */
    private static String safe(String name) {
        return name != null && NamedCertificate.NAME.matcher(name).matches() ? name : "(invalid name)";
    }
}
