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
 *   <li>{@link io.portcullis.testing.FreePorts#next()}: the way to pick a port for anything a test starts.</li>
 * </ul>
 *
 * <p>Requirements: {@code target/backends/questdb.jar} (the pom copies it in {@code process-test-resources})
 * and Debian's PostgreSQL server package; {@code .ci/run} installs the latter. When the JVM runs as root,
 * PostgreSQL runs as the {@code postgres} OS user via {@code runuser}.
 */
package io.portcullis.testing;
