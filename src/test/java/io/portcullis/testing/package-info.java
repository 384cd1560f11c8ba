/**
 * The integration-test harness: real backends in their own processes, shared by every test class.
 *
 * <ul>
 *   <li>{@link io.portcullis.testing.Backends#questdb()} / {@link io.portcullis.testing.Backends#postgres()}:
 *       JVM-wide servers, started on first use, stopped at JVM exit. Plain JUnit tests call them directly.</li>
 *   <li>{@link io.portcullis.testing.Backends#newQuestDb(String)}: a private QuestDB for tests that
 *       {@link io.portcullis.testing.QuestDbServer#kill() kill} or
 *       {@link io.portcullis.testing.QuestDbServer#restart() restart} it.</li>
 *   <li>{@link io.portcullis.testing.GatewayTestResource}: the one Quarkus test resource, registered globally
 *       by {@code GatewayTestResourceTest}; every {@code @QuarkusTest} gets the backends and a fresh gateway
 *       data directory, listen port and admin token through configuration.</li>
 *   <li>{@link io.portcullis.testing.PostgresStandby#of}: a streaming standby (pg_basebackup) of a PostgreSQL the
 *       test started itself, for tests of several hosts per database.</li>
 *   <li>{@link io.portcullis.testing.FreePorts#next()}: the way to pick a port for anything a test starts.</li>
 *   <li>Driving a running gateway: {@link io.portcullis.testing.GatewayClient} (REST API and pgJDBC, as the admin
 *       whose token is {@link io.portcullis.testing.GatewayTestResource#ADMIN_TOKEN_VALUE}, the one test token),
 *       {@link io.portcullis.testing.TestSettings} ({@code /api/v1/settings}), {@link io.portcullis.testing.RawClient}
 *       and {@link io.portcullis.testing.RawLogin} (the wire, byte by byte), {@link io.portcullis.testing.ExtendedProtocolClient},
 *       {@link io.portcullis.testing.LogCapture} and {@link io.portcullis.testing.PoolProbe}.</li>
 * </ul>
 *
 * <p>Requirements: {@code target/backends/questdb.jar} (the pom copies it in {@code process-test-resources})
 * and Debian's PostgreSQL server package; {@code .ci/run} installs the latter. When the JVM runs as root,
 * PostgreSQL runs as the {@code postgres} OS user via {@code runuser}.
 */
package io.portcullis.testing;
