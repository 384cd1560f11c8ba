/**
 * The REST configuration API under {@code /api/v1}: resources, request/response types, bearer
 * token authentication with {@code admin}/{@code viewer} roles, {@code application/problem+json}
 * errors. Secrets are write-only.
 *
 * <p>May use: {@code config}, {@code auth} (to turn passwords into verifiers), {@code tls},
 * {@code pool}, {@code proxy}, {@code migrate}, {@code admin} (the runtime reports and actions the admin
 * console shows and takes, served as {@code /api/v1/pools|clients|servers|stats}), {@code observe} (read-only: the
 * backend status a database shows, which the unauthenticated health endpoint must not), {@code log} (escaping
 * request text in log lines).
 */
package io.portcullis.api;
