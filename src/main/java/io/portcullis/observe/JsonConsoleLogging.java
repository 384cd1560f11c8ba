package io.portcullis.observe;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * The JSON logging switch: with {@code portcullis.log.json=true} (env {@code PORTCULLIS_LOG_JSON=true})
 * every console line is one JSON object (timestamp, level, loggerName, message, mdc, exception...),
 * for log shippers that parse structured lines.
 *
 * <p>Why not {@code quarkus-logging-json}: it does not resolve at the Quarkus platform version we
 * build with (3.37.3) from the Maven Central we can reach. This uses the JBoss LogManager's own
 * {@link JsonFormatter} (already on the class path, with Parsson for JSON) and swaps it onto the
 * console handler as the application starts. Lines logged before that (the first few startup
 * lines) stay plain text. When the extension resolves, replace this class with it and
 * {@code quarkus.log.console.json.enabled}.
 */
@ApplicationScoped
public class JsonConsoleLogging {

    @ConfigProperty(name = "portcullis.log.json", defaultValue = "false")
    boolean json;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (json) {
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                useJson(handler);
            }
        }
    }

    /**
     * Gives every console handler at or under {@code handler} (Quarkus wraps it in delayed and async
     * handlers) a JSON formatter.
     *
     * @return how many console handlers now write JSON
     */
    static int useJson(Handler handler) {
        if (handler instanceof ConsoleHandler console) {
            JsonFormatter formatter = new JsonFormatter();
            formatter.setPrintDetails(false);
            console.setFormatter(formatter);
            return 1;
        }
        int switched = 0;
        if (handler instanceof ExtHandler parent) {
            for (Handler child : parent.getHandlers()) {
                switched += useJson(child);
            }
        }
        return switched;
    }
}
