package io.portcullis.api;

import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ApiDocumentation} needs to know about each resource method that the OpenAPI model does not say:
 * the roles its {@code @RolesAllowed} admits and whether it is {@link StoresConfiguration}. Read from the
 * application's Jandex index at build time, keyed by the {@code operationId} of the method's {@code @Operation},
 * which is how an operation of the model finds its method.
 */
final class ResourceMethods {

    private static final DotName OPERATION = DotName.createSimple(Operation.class);
    private static final DotName ROLES_ALLOWED = DotName.createSimple(RolesAllowed.class);
    private static final DotName STORES = DotName.createSimple(StoresConfiguration.class.getName());

    /**
     * One resource method.
     *
     * @param name  {@code Class.method}, for messages
     * @param roles the roles of its (or its class's) {@code @RolesAllowed}; empty when it has none
     */
    record ResourceMethod(String name, List<String> roles, boolean storesConfiguration) {

        boolean secured() {
            return !roles.isEmpty();
        }
    }

    private ResourceMethods() {
    }

    /**
     * @throws IllegalStateException when an {@code @Operation} has no {@code operationId}, or two share one: client
     *                               generators name their methods after it, so it must be there and unique
     */
    static Map<String, ResourceMethod> byOperationId(IndexView index) {
        Map<String, ResourceMethod> methods = new HashMap<>();
        // The index the build hands over may list a method twice (it joins several indexes).
        Map<String, String> signatures = new HashMap<>();
        for (AnnotationInstance operation : index.getAnnotations(OPERATION)) {
            if (operation.target().kind() != AnnotationTarget.Kind.METHOD) {
                continue;
            }
            MethodInfo method = operation.target().asMethod();
            String name = method.declaringClass().simpleName() + "." + method.name();
            AnnotationValue id = operation.value("operationId");
            if (id == null || id.asString().isBlank()) {
                throw new IllegalStateException(name + ": @Operation has no operationId; give it one (client generators "
                        + "name their methods after it)");
            }
            ResourceMethod found = new ResourceMethod(name, roles(method), method.declaredAnnotation(STORES) != null);
            String signature = method.declaringClass().name() + "#" + method;
            String previous = signatures.putIfAbsent(id.asString(), signature);
            if (previous != null && !previous.equals(signature)) {
                throw new IllegalStateException(name + " and " + methods.get(id.asString()).name()
                        + " share the operationId " + id.asString());
            }
            methods.put(id.asString(), found);
        }
        return methods;
    }

    private static List<String> roles(MethodInfo method) {
        AnnotationInstance roles = method.declaredAnnotation(ROLES_ALLOWED);
        if (roles == null) {
            roles = method.declaringClass().declaredAnnotation(ROLES_ALLOWED);
        }
        return roles == null ? List.of() : List.of(roles.value().asStringArray());
    }
}
