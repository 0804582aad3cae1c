package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CRD's CEL rules ({@code x-kubernetes-validations}) compiled once with Google's CEL and evaluated as the API
 * server does on a create: at every schema node that has rules, for every value present there, with the value
 * as {@code self}. Rules that compare with {@code oldSelf} (transition rules such as "self == oldSelf") only run
 * on an update, where there is an old object; a create, which is what `vmt validate` and a dry-run create judge,
 * has none, so the server skips them and so does this class.
 *
 * <p>The server's CEL environment adds Kubernetes libraries (quantity(), isSorted(), url(), ...) and types
 * {@code self} from the schema; here {@code self} is dynamic and only the standard functions and macros exist.
 * Every rule in our CRDs compiles and behaves the same under both (CelRulesTest compiles all of them); a rule
 * that does not compile here fails loudly when the rules are loaded, naming the rule.
 */
public final class CelRules {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    /** One compiled rule; {@code transition} when it reads oldSelf. */
    private record Rule(String expression, String message, String fieldPath, String reason, boolean transition,
                        CelRuntime.Program program) {
    }

    /** The rules of one schema node and of the nodes below it. */
    private record Node(List<Rule> rules, Map<String, Node> properties, Node additionalProperties, Node items) {
        boolean empty() {
            return rules.isEmpty() && properties.isEmpty() && additionalProperties == null && items == null;
        }
    }

    private final Node root;

    private CelRules(Node root) {
        this.root = root;
    }

    /** Compiles every rule of the schema. */
    public static CelRules of(JsonNode openApiV3Schema) {
        Node root = compile(openApiV3Schema, "");
        return new CelRules(root == null ? new Node(List.of(), Map.of(), null, null) : root);
    }

    /** The number of rules that run on a create (transition rules excluded). */
    public int createRuleCount() {
        return count(root);
    }

    /** The errors of the create-time rules, in the server's form ({@code spec.boot: Invalid value: "object": ...}). */
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errors = new ArrayList<>();
        evaluate(root, object, "", errors);
        return errors;
    }

    private static int count(Node node) {
        if (node == null) {
            return 0;
        }
        int own = (int) node.rules().stream().filter(r -> !r.transition()).count();
        int below = node.properties().values().stream().mapToInt(CelRules::count).sum();
        return own + below + count(node.additionalProperties()) + count(node.items());
    }

    private static Node compile(JsonNode schema, String where) {
        if (schema == null || !schema.isObject()) {
            return null;
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            rules.add(compileRule(validation, where));
        }
        Map<String, Node> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            Node child = compile(field.getValue(), where + "." + field.getKey());
            if (child != null) {
                properties.put(field.getKey(), child);
            }
        }
        Node node = new Node(List.copyOf(rules), Map.copyOf(properties),
                compile(Schemas.additionalProperties(schema), where + "[*]"), compile(Schemas.items(schema), where + "[*]"));
        return node.empty() ? null : node;
    }

    private static Rule compileRule(JsonNode validation, String where) {
        String expression = validation.path("rule").asText();
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            boolean transition = CelNavigableAst.fromAst(ast).getRoot().allNodes()
                    .anyMatch(n -> n.getKind() == CelExpr.ExprKind.Kind.IDENT && n.expr().ident().name().equals("oldSelf"));
            return new Rule(expression, validation.path("message").asText(""),
                    validation.path("fieldPath").asText(""), validation.path("reason").asText(""), transition,
                    RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
            throw new IllegalStateException("CEL rule at " + (where.isEmpty() ? "the root" : where.substring(1)) + " cannot be"
                    + " evaluated outside the API server (" + e.getMessage().lines().findFirst().orElse("") + "): " + expression, e);
        }
    }

    private static void evaluate(Node node, JsonNode value, String path, List<FieldError> errors) {
        if (node == null || value == null || value.isNull()) {
            return;
        }
        Object self = CelValues.of(value);
        for (Rule rule : node.rules()) {
            if (!rule.transition()) {
                check(rule, self, path, schemaType(value), errors);
            }
        }
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                Node property = node.properties().get(field.getKey());
                if (property != null) {
                    evaluate(property, field.getValue(), childPath, errors);
                } else if (node.additionalProperties() != null) {
                    evaluate(node.additionalProperties(), field.getValue(), path + "[" + field.getKey() + "]", errors);
                }
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                evaluate(node.items(), value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static void check(Rule rule, Object self, String path, String type, List<FieldError> errors) {
        // the server appends a rule's fieldPath (".serialConsolePattern") to the path of the node it sits on
        String field = rule.fieldPath().isEmpty() ? path : path + (rule.fieldPath().startsWith(".") ? "" : ".") + rule.fieldPath();
        String message = rule.message().isBlank() ? "failed rule: " + rule.expression().trim() : rule.message().trim();
        Object result;
        try {
            result = rule.program().eval(Map.of("self", self));
        } catch (CelEvaluationException | RuntimeException e) {
            // the server reports a rule that cannot be evaluated on this value as an error of the value
            errors.add(new FieldError(FieldError.Type.INVALID, field, GoValues.quote(type),
                    evaluationError(e) + " evaluating rule: " + ruleText(rule)));
            return;
        }
        if (!Boolean.TRUE.equals(result)) {
            errors.add(switch (rule.reason()) {
                case "FieldValueForbidden" -> new FieldError(FieldError.Type.FORBIDDEN, field, null, message);
                case "FieldValueRequired" -> FieldError.required(field, message);
                case "FieldValueDuplicate" -> new FieldError(FieldError.Type.DUPLICATE, field, GoValues.quote(type), "");
                default -> new FieldError(FieldError.Type.INVALID, field, GoValues.quote(type), message);
            });
        }
    }

    /** The server says "no such key: trigger" where CEL-Java says "key 'trigger' is not present in map.". */
    private static String evaluationError(Exception e) {
        String text = e instanceof CelEvaluationException && e.getMessage() != null ? e.getMessage() : "evaluation error";
        java.util.regex.Matcher missing = java.util.regex.Pattern.compile("key '([^']*)' is not present in map").matcher(text);
        return missing.find() ? "no such key: " + missing.group(1) : text.replaceFirst("^evaluation error at <input>:\\d+: ", "");
    }

    private static String ruleText(Rule rule) {
        return rule.message().isBlank() ? rule.expression().trim() : rule.message().trim();
    }

    /** The schema type the server names as the rule's "value" in its message. */
    private static String schemaType(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isTextual()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        return value.isNumber() ? "number" : value.isBoolean() ? "boolean" : "null";
    }
}
