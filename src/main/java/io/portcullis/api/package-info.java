/**
 * The REST configuration API under {@code /api/v1}: resources, request/response types, bearer
 * token authentication with {@code admin}/{@code viewer} roles, {@code application/problem+json}
 * errors. Secrets are write-only.
 *
 * <p>May use: {@code config}, {@code auth} (to turn passwords into verifiers), {@code tls},
 * {@code pool}, {@code proxy}, {@code migrate}, {@code admin} (the runtime reports and actions the admin
 * console shows and takes, served as {@code /api/v1/pools|clients|servers|stats}).
 */
package io.portcullis.api;
