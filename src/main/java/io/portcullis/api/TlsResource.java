package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.TlsConfig;
import io.portcullis.tls.CertificateMaterialException;
import io.portcullis.tls.CertificateSourceConflict;
import io.portcullis.tls.ClientCa;
import io.portcullis.tls.ClientTlsMode;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.TlsMaterial;
import io.portcullis.tls.TlsState;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * {@code /api/v1/tls}: the client-facing TLS of the wire listener. Every change is validated
 * first, then made the listener's TLS context in one step (new handshakes use it; established sessions are
 * never dropped), then stored; a change the TLS engine refuses is not stored and the old settings
 * stay in force. Key material is accepted, never returned. Key generation runs on a worker thread.
 *
 * <p>ETags: the configuration version. Installing a certificate stores its fingerprint in the
 * configuration, so it moves the version too.
 */
@Path("/api/v1/tls")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "tls", description = "Client TLS: mode, protocols, certificates, client CA")
public class TlsResource {

    private final ConfigStore store;
    private final TlsAdministration tls;
    private final Audit audit;

    @Inject
    public TlsResource(ConfigStore store, TlsAdministration tls, Audit audit) {
        this.store = store;
        this.tls = tls;
        this.audit = audit;
    }

    @GET
    @RolesAllowed({ApiToken.ADMIN, ApiToken.VIEWER})
    @Operation(operationId = "getTls", summary = "Read the TLS settings",
            description = "Mode, protocols, ciphers, the server certificate and the client CA in force now.")
    @APIResponse(responseCode = "200", description = "the TLS settings", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = TlsView.class)))
    public Response get(@Context Request request) {
        return EntityTags.read(request, store.current(), this::view);
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @StoresConfiguration
    @Operation(operationId = "putTls", summary = "Change mode, protocols or ciphers",
            description = "Fields left out keep their value. Applies to new connections at once; open sessions keep theirs. "
                    + "verify-ca and verify-full need a client CA.")
    @APIResponse(responseCode = "200", description = "applied and stored", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = TlsView.class)))
    @APIResponse(responseCode = "400", description = "invalid settings; detail says which")
    public Response put(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                        @RequestBody(content = @Content(examples = @ExampleObject(name = "verify-full",
                                summary = "client certificates required, TLS 1.3 only",
                                value = "{\"mode\": \"verify-full\", \"protocols\": [\"TLSv1.3\"]}")))
                        TlsRequests.Settings body) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"mode\", \"protocols\", \"ciphers\"}");
        }
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        TlsConfig stored = seen.tls();
        String mode = body.mode() == null ? stored.mode() : ClientTlsMode.parse(body.mode()).wireName();
        TlsConfig next = stored.withSettings(mode, body.protocols() == null ? stored.protocols() : body.protocols(),
                body.ciphers() == null ? stored.ciphers() : body.ciphers());
        GatewayConfig result = storeTls(expected, next);
        audit.write("changed TLS settings (mode " + tls.mode().wireName() + ")", result.version());
        return Response.ok(view()).tag(EntityTags.of(result)).build();
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @Path("certificate")
    @StoresConfiguration
    @Operation(operationId = "putCertificate", summary = "Install a server certificate",
            description = "The chain (server certificate first) and its private key, PEM. The key may be PKCS#8, PKCS#1 or SEC1, "
                    + "RSA or EC; an encrypted key needs its passphrase. Leave the key out to install the certificate a CA "
                    + "issued for the pending CSR. Checked before anything changes: key matches certificate, chain order "
                    + "and signatures, validity dates.")
    @APIResponse(responseCode = "200", description = "now served to new connections", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = TlsView.class)))
    @APIResponse(responseCode = "400", description = "unusable certificate or key; detail says why")
    @APIResponse(responseCode = "409", description = "the certificate comes from portcullis.tls.cert-file")
    public Response putCertificate(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                   @RequestBody(content = @Content(examples = @ExampleObject(name = "chain-and-key",
                                           summary = "server certificate, intermediate and key (shortened)",
                                           value = "{\"certificateChainPem\": \"-----BEGIN CERTIFICATE-----\\nMIIB...\\n"
                                                   + "-----END CERTIFICATE-----\\n-----BEGIN CERTIFICATE-----\\nMIIB...\\n"
                                                   + "-----END CERTIFICATE-----\\n\", \"privateKeyPem\": "
                                                   + "\"-----BEGIN PRIVATE KEY-----\\nMIGH...\\n-----END PRIVATE KEY-----\\n\"}")))
                                   TlsRequests.Certificate body) {
        if (body == null || body.certificateChainPem() == null || body.certificateChainPem().isBlank()) {
            throw ApiProblem.badRequest("certificateChainPem is required: the server certificate first, then its intermediates");
        }
        requireCertificateFromApi();
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        boolean completesCsr = body.privateKeyPem() == null || body.privateKeyPem().isBlank();
        if (completesCsr && body.passphrase() != null) {
            throw ApiProblem.badRequest("passphrase applies to privateKeyPem, which was not sent (the key of a pending "
                    + "CSR is not encrypted); leave the passphrase out");
        }
        String keyPem = completesCsr
                ? tls.pendingKeyPem().orElseThrow(() -> ApiProblem.badRequest(
                        "privateKeyPem is required: no CSR is pending whose key could complete this certificate"))
                : body.privateKeyPem();
        char[] passphrase = body.passphrase() == null ? null : body.passphrase().toCharArray();
        TlsMaterial material = material(() -> {
            try {
                return TlsMaterial.parse(body.certificateChainPem(), keyPem, passphrase, Clock.systemUTC());
            } catch (CertificateMaterialException e) {
                throw completesCsr ? new CertificateMaterialException(
                        "this certificate does not complete the pending CSR: " + e.getMessage(), e) : e;
            }
        });
        return install(material, completesCsr, expected, "installed a server certificate");
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("certificate/self-signed")
    @StoresConfiguration
    @Operation(operationId = "createSelfSignedCertificate", summary = "Generate and install a self-signed certificate",
            description = "EC P-256; for development and pinning.")
    @APIResponse(responseCode = "200", description = "now served to new connections", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = TlsView.class)))
    @APIResponse(responseCode = "400", description = "invalid name or validity")
    @APIResponse(responseCode = "409", description = "the certificate comes from portcullis.tls.cert-file")
    public Response selfSigned(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                               @RequestBody(content = @Content(examples = @ExampleObject(name = "one-host",
                                       summary = "a certificate for one name and its address",
                                       value = "{\"commonName\": \"db.example.com\", \"subjectAltNames\": "
                                               + "[\"db.example.com\", \"10.0.0.5\"], \"validDays\": 90}")))
                               TlsRequests.SelfSigned body) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"commonName\", \"subjectAltNames\", \"validDays\"}");
        }
        requireCertificateFromApi();
        long expected = EntityTags.expectedVersion(ifMatch, store.current(), true);
        int days = body.validDays() == null ? TlsRequests.SelfSigned.DEFAULT_VALID_DAYS : body.validDays();
        TlsMaterial material = material(() -> tls.selfSigned(body.commonName(), body.subjectAltNames(), days));
        return install(material, false, expected, "installed a self-signed server certificate");
    }

    @POST
    @RolesAllowed(ApiToken.ADMIN)
    @Path("csr")
    @StoresConfiguration
    @Operation(operationId = "createCsr", summary = "Create a certificate signing request",
            description = "Generates an EC P-256 key, kept on the gateway (sealed in the configuration store, so any replica "
                    + "sharing it can complete the request) until the certificate a CA issues for this CSR is installed with "
                    + "PUT /tls/certificate and no key. A new CSR replaces a pending one.")
    @APIResponse(responseCode = "200", description = "the CSR to send to a CA", headers = @Header(name = "ETag"), content = @Content(schema = @Schema(implementation = TlsRequests.CsrPem.class)))
    @APIResponse(responseCode = "400", description = "invalid subject or names")
    @APIResponse(responseCode = "409", description = "the certificate comes from portcullis.tls.cert-file")
    public Response csr(@RequestBody(content = @Content(examples = @ExampleObject(name = "with-names",
                                summary = "a CSR for a host name",
                                value = "{\"subject\": \"CN=db.example.com,O=Example\", "
                                        + "\"subjectAltNames\": [\"db.example.com\"]}")))
                        TlsRequests.Csr body) {
        if (body == null) {
            throw ApiProblem.badRequest("a JSON body is required: {\"subject\", \"subjectAltNames\"}");
        }
        requireCertificateFromApi();
        TlsAdministration.CertificateRequest request = material(() -> tls.createCertificateRequest(body.subject(),
                body.subjectAltNames()));
        audit.write("created a CSR for '" + body.subject() + "' (its key waits, sealed, in the configuration store)",
                request.written().version());
        return Response.ok(new TlsRequests.CsrPem(request.csrPem())).tag(EntityTags.of(request.written())).build();
    }

    @PUT
    @RolesAllowed(ApiToken.ADMIN)
    @Path("client-ca")
    @StoresConfiguration
    @Operation(operationId = "putClientCa", summary = "Set the client CA", description = "Client certificates must chain to one of these CA certificates "
            + "(verify-ca, verify-full, users with auth cert).")
    @APIResponse(responseCode = "200", description = "applied and stored", headers = @Header(name = "ETag"),
            content = @Content(schema = @Schema(implementation = TlsView.class)))
    @APIResponse(responseCode = "400", description = "not CA certificates")
    @APIResponse(responseCode = "409", description = "the client CA comes from portcullis.tls.client-ca-file")
    public Response putClientCa(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                @RequestBody(content = @Content(examples = @ExampleObject(name = "one-ca",
                                        summary = "one CA certificate (shortened)",
                                        value = "{\"caPem\": \"-----BEGIN CERTIFICATE-----\\nMIIB...\\n-----END CERTIFICATE-----\\n\"}")))
                                TlsRequests.ClientCa body) {
        if (body == null || body.caPem() == null || body.caPem().isBlank()) {
            throw ApiProblem.badRequest("caPem is required: one or more CA certificates, PEM");
        }
        ClientCa ca = material(() -> ClientCa.parse(body.caPem()));
        GatewayConfig seen = store.current();
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        GatewayConfig result = storeTls(expected, seen.tls().withClientCaPem(ca.pem()));
        audit.write("set the client CA", result.version());
        return Response.ok(view()).tag(EntityTags.of(result)).build();
    }

    @DELETE
    @RolesAllowed(ApiToken.ADMIN)
    @Path("client-ca")
    @StoresConfiguration
    @Operation(operationId = "deleteClientCa", summary = "Remove the client CA", description = "Refused while the mode is verify-ca or verify-full.")
    @APIResponse(responseCode = "204", description = "removed", headers = @Header(name = "ETag"))
    @APIResponse(responseCode = "400", description = "the mode still needs it")
    @APIResponse(responseCode = "404", description = "no client CA is set")
    @APIResponse(responseCode = "409", description = "the client CA comes from portcullis.tls.client-ca-file")
    public Response deleteClientCa(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        GatewayConfig seen = store.current();
        if (seen.tls().clientCaPem() == null && !tls.clientCaFromFile()) {
            throw ApiProblem.notFound("no client CA is set");
        }
        long expected = EntityTags.expectedVersion(ifMatch, seen, true);
        GatewayConfig result = storeTls(expected, seen.tls().withClientCaPem(null));
        audit.write("removed the client CA", result.version());
        return Response.noContent().tag(EntityTags.of(result)).build();
    }

    /** Applies {@code next} to the listener and stores it; neither happens if either fails. */
    private GatewayConfig storeTls(long expected, TlsConfig next) {
        GatewayConfig[] result = new GatewayConfig[1];
        material(() -> tls.changeStoredSettings(next, () -> result[0] = store.update(expected, c -> c.withTls(next))));
        return result[0];
    }

    private Response install(TlsMaterial material, boolean completesCsr, long expected, String what) {
        GatewayConfig result = material(() -> tls.installCertificate(material, completesCsr, expected));
        audit.write(what + " (SHA-256 " + material.info().sha256Fingerprint() + ")", result.version());
        return Response.ok(view()).tag(EntityTags.of(result)).build();
    }

    private void requireCertificateFromApi() {
        if (tls.state().certificateFromFiles()) {
            throw ApiProblem.conflict("the server certificate comes from portcullis.tls.cert-file and is reloaded when that "
                    + "file changes; replace the file, or unset portcullis.tls.cert-file to manage certificates through the API");
        }
    }

    private TlsView view() {
        TlsState state = tls.state();
        return TlsView.of(state, tls.clientCaFromFile(), tls.pendingKeyPem().isPresent());
    }

    /** Runs a tls operation, turning its refusals into problems: unusable material 400, a file-managed source 409. */
    static <T> T material(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (CertificateMaterialException e) {
            throw ApiProblem.badRequest(e.getMessage());
        } catch (CertificateSourceConflict e) {
            throw ApiProblem.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
    }

}
