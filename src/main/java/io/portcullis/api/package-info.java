/**
 * The REST configuration API under {@code /api/v1}: resources, request/response types, bearer
 * token authentication for Quarkus Security ({@link io.portcullis.api.BearerTokenMechanism},
 * {@link io.portcullis.api.ApiTokenIdentityProvider}) with {@code admin}/{@code viewer} roles checked by
 * {@code @RolesAllowed} on every resource method, the audit log, {@code application/problem+json}
 * errors, and HTTPS for the HTTP port ({@code portcullis.api.tls}: the wire listener's certificate as a Quarkus
 * TLS configuration, {@link io.portcullis.api.GatewayCertificateForHttp}). Secrets are write-only. Conditional
 * reads and writes go through {@link io.portcullis.api.EntityTags}; the OpenAPI document states what many operations
 * share once ({@link io.portcullis.api.ApiDocumentation}, derived from {@code @RolesAllowed} and
 * {@link io.portcullis.api.StoresConfiguration}), so a resource method documents only what is its own.
 *
 * <p>May use: {@code config}, {@code auth} (to turn passwords into verifiers), {@code tls},
 * {@code pool}, {@code proxy}, {@code migrate}, {@code admin} (the runtime reports and actions the admin
 * console shows and takes, served as {@code /api/v1/pools|clients|servers|stats}), {@code observe} (read-only: the
 * backend status a database shows, which the unauthenticated health endpoint must not), {@code log} (escaping
 * request text in log lines), {@code cluster} (the replicas sharing the store, served as {@code /api/v1/replicas}),
 * {@code peer} (the runtime calls answered for every replica: {@link io.portcullis.api.ReplicaFanOut}), {@code acme}
 * (automatic certificates, {@code /api/v1/tls/acme}).
 */
package io.portcullis.api;
