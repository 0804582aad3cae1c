package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.Quantities;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRDs' value limits (pattern, minimum/maximum, maxLength, maxItems, enum) on every spec field the launcher
 * reads, as data, checked over a spec in its JSON form (maps, lists, strings, numbers). On a cluster the API server
 * enforces them before the webhook is called, and `vmt validate` reads them from the CRDs; the launcher has neither
 * an API server nor networknt on its class path, yet must refuse a spec that reached it behind admission's back.
 * Several of these fields go into QEMU's argv as they are (machine, cmdline, extraArgs), and the webhook's rules do
 * not restate them. SchemaLimitsCrdTest keeps this table equal to crds/. Required fields and CEL rules are not
 * here: the webhook's rules state them again.
 */
public final class SchemaLimits {

    /** A QEMU machine type the operator supports (not x-remote, QEMU's multi-process machine, nor any other). */
    private static final String MACHINE_PATTERN = "^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$";
    private static final String HOST_PATH_PATTERN = "^/[^\\x00]*$";
    private static final String IN_VOLUME_PATH_PATTERN = "^[^/\\x00][^\\x00]*$";
    private static final String CLAIM_NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private static final String TEMPLATE_NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    private static final String GUEST_DIRECTORY_PATTERN = "^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$";
    private static final String CAPABILITY_PATTERN = "^[a-z0-9-]{1,64}$";

    private static final String MACHINE_FIX = "set q35, pc, pc-q35-X.Y or pc-i440fx-X.Y";
    private static final String SIZE_FIX = "write a whole number of Mi or Gi with at most 7 digits, e.g. 512Mi";
    private static final String HOST_PATH_FIX = "write an absolute path on the node without NUL, e.g. /var/lib/vmtemplating/guest/vmlinuz";
    private static final String CLAIM_NAME_FIX = "name a PersistentVolumeClaim of this namespace (lower-case letters, digits and '-')";
    private static final String IN_VOLUME_FIX = "write a path relative to the volume without NUL, e.g. boot/vmlinuz";

    /** One limit of the schema at a path: property names joined by '.', "[]" after a list's name for its items. */
    public sealed interface Limit permits Matches, Range, MaxLength, MaxItems, OneOf {
        String path();

        /** What is wrong and how to fix it, when the value breaks the limit; values of another type are the binding's to refuse. */
        Optional<String> refusal(Object value);
    }

    /** pattern: the CRD's Go (RE2) regular expression, searched in the string as the API server does. */
    public record Matches(String path, String regex, String fix) implements Limit {
        @Override
        public Optional<String> refusal(Object value) {
            return value instanceof String text && !compiled(regex).matcher(text).find()
                    ? Optional.of(quote(text) + " does not match " + regex + "; " + fix) : Optional.empty();
        }
    }

    /** minimum and maximum of an integer, both inclusive. */
    public record Range(String path, long min, long max) implements Limit {
        @Override
        public Optional<String> refusal(Object value) {
            // as a double: exact for every integer near these small bounds, and a huge one (a BigInteger beyond a
            // long) still compares as huge; no BigDecimal to load on the launcher's way to QEMU
            return value instanceof Number number && (number.doubleValue() < min || number.doubleValue() > max)
                    ? Optional.of(number + " is out of range; set " + min + " to " + max) : Optional.empty();
        }
    }

    /** maxLength, in characters (code points, as the API server counts them, not UTF-16 units). */
    public record MaxLength(String path, int max) implements Limit {
        @Override
        public Optional<String> refusal(Object value) {
            int length = value instanceof String text ? text.codePointCount(0, text.length()) : 0;
            return length > max ? Optional.of("is " + length + " characters long; shorten it to at most " + max) : Optional.empty();
        }
    }

    /** maxItems of a list. */
    public record MaxItems(String path, int max) implements Limit {
        @Override
        public Optional<String> refusal(Object value) {
            return value instanceof List<?> items && items.size() > max
                    ? Optional.of("has " + items.size() + " entries; keep at most " + max) : Optional.empty();
        }
    }

    /** enum: the JSON names exactly (the launcher's binding alone would also take "TMPFS" for tmpfs). */
    public record OneOf(String path, List<String> values) implements Limit {
        @Override
        public Optional<String> refusal(Object value) {
            return value instanceof String text && !values.contains(text)
                    ? Optional.of(quote(text) + " is not one of " + String.join(", ", values) + "; use one of those") : Optional.empty();
        }
    }

    private static final List<Limit> TEMPLATE = List.of(
            new Range("spec.cpus", 1, 64),
            new Matches("spec.machine", MACHINE_PATTERN, MACHINE_FIX),
            new Matches("spec.memory.size", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new OneOf("spec.memory.backend", List.of("hugetlbfs", "tmpfs")),
            new OneOf("spec.memory.hugePageSize", List.of("1Gi", "2Mi")),
            new Matches("spec.memory.numaNodes[].size", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new MaxLength("spec.boot.cmdline", 4096),
            new OneOf("spec.boot.disk.format", List.of("qcow2", "raw")),
            new Matches("spec.boot.kernel.hostPath.path", HOST_PATH_PATTERN, HOST_PATH_FIX),
            new Matches("spec.boot.kernel.image.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Matches("spec.boot.kernel.persistentVolumeClaim.claimName", CLAIM_NAME_PATTERN, CLAIM_NAME_FIX),
            new Matches("spec.boot.kernel.persistentVolumeClaim.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Matches("spec.boot.initrd.hostPath.path", HOST_PATH_PATTERN, HOST_PATH_FIX),
            new Matches("spec.boot.initrd.image.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Matches("spec.boot.initrd.persistentVolumeClaim.claimName", CLAIM_NAME_PATTERN, CLAIM_NAME_FIX),
            new Matches("spec.boot.initrd.persistentVolumeClaim.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Matches("spec.boot.disk.source.hostPath.path", HOST_PATH_PATTERN, HOST_PATH_FIX),
            new Matches("spec.boot.disk.source.image.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Matches("spec.boot.disk.source.persistentVolumeClaim.claimName", CLAIM_NAME_PATTERN, CLAIM_NAME_FIX),
            new Matches("spec.boot.disk.source.persistentVolumeClaim.path", IN_VOLUME_PATH_PATTERN, IN_VOLUME_FIX),
            new Range("spec.devices.balloon.statsPollingSeconds", 0, 3600),
            new Matches("spec.devices.balloon.targetSize", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new OneOf("spec.devices.network.mode", List.of("none", "user")),
            new OneOf("spec.devices.vhostUser[].type", List.of("blk", "fs", "net", "vsock")),
            new Matches("spec.devices.virtioMem.size", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new Matches("spec.devices.virtioMem.blockSize", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new Matches("spec.devices.virtioMem.requestedSize", Quantities.MEBI_GIBI_OR_ZERO_PATTERN, "write 0 (a template plugs no memory)"),
            new OneOf("spec.freeze.trigger", List.of("Delay", "GuestAgent", "Manual", "SerialConsole")),
            new MaxLength("spec.freeze.serialConsolePattern", 512),
            new Range("spec.freeze.delaySeconds", 0, 86400),
            new Range("spec.freeze.timeoutSeconds", 1, 86400),
            new Matches("spec.freeze.migrationCapabilities[]", CAPABILITY_PATTERN,
                    "write a capability name of lower-case letters, digits and '-' (allowed: events, validate-uuid)"),
            new MaxItems("spec.qemu.extraArgs", 64),
            new MaxLength("spec.qemu.extraArgs[]", 1024),
            new MaxLength("spec.claimData.directory", 200),
            new Matches("spec.claimData.directory", GUEST_DIRECTORY_PATTERN,
                    "write an absolute guest directory of letters, digits, '.', '_' and '-' without . or .. parts, e.g. /run/vmtemplating"),
            new Range("spec.claimData.timeoutSeconds", 1, 600));

    private static final List<Limit> CLONE = List.of(
            new Matches("spec.templateRef.name", TEMPLATE_NAME_PATTERN,
                    "name a VmTemplate of this namespace (lower-case letters, digits, '-' and '.')"),
            new Range("spec.cpus", 1, 64),
            new Matches("spec.machine", MACHINE_PATTERN, MACHINE_FIX + ", the template's machine"),
            new Matches("spec.memory.size", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new Matches("spec.memory.expectedPrivate", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new Matches("spec.virtioMem.requestedSize", Quantities.MEBI_GIBI_PATTERN, SIZE_FIX),
            new MaxItems("spec.portForwards", 32),
            new Range("spec.portForwards[].podPort", 1024, 65535),
            new Range("spec.portForwards[].guestPort", 1, 65535),
            new OneOf("spec.portForwards[].protocol", List.of("tcp", "udp")),
            new Range("spec.migration.restoreTimeoutSeconds", 1, 3600),
            new Matches("spec.poolRef.name", TEMPLATE_NAME_PATTERN, "name a VmClonePool of this namespace (lower-case letters, digits, '-' and '.')"),
            new MaxLength("spec.claimData.secretRef.name", 253),
            new Matches("spec.claimData.secretRef.name", TEMPLATE_NAME_PATTERN, "name a Secret of this namespace (lower-case letters, digits, '-' and '.')"));

    /** Compiled on first use: a launcher meets only the few patterns of the fields its spec sets. */
    private static final Map<String, java.util.regex.Pattern> COMPILED = new ConcurrentHashMap<>();

    private SchemaLimits() {
    }

    public static List<Limit> templateLimits() {
        return TEMPLATE;
    }

    public static List<Limit> cloneLimits() {
        return CLONE;
    }

    /** @param spec a VmTemplate's spec as JSON values ({@link io.vmtemplating.json.JsonText}) */
    public static List<Violation> template(Object spec) {
        return check(TEMPLATE, spec);
    }

    /** @param spec a VmClone's spec as JSON values */
    public static List<Violation> clone(Object spec) {
        return check(CLONE, spec);
    }

    private static List<Violation> check(List<Limit> limits, Object spec) {
        Violations out = new Violations();
        // plain loops: this runs on every launcher's way to QEMU, where a first lambda costs milliseconds
        for (Limit limit : limits) {
            String[] steps = limit.path().split("\\.");
            visit(spec, steps, 1, "spec", limit, out);
        }
        return out.list();
    }

    /** Walks from the node at {@code steps[step - 1]} to every value the path names; absent values have no limit. */
    private static void visit(Object node, String[] steps, int step, String at, Limit limit, Violations out) {
        if (node == null) {
            return;
        }
        if (step == steps.length) {
            Optional<String> refusal = limit.refusal(node);
            if (refusal.isPresent()) {
                out.add(at, refusal.get());
            }
            return;
        }
        if (!(node instanceof Map<?, ?> object)) {
            return; // the binding reports a value that is not an object
        }
        String name = steps[step];
        if (name.endsWith("[]")) {
            name = name.substring(0, name.length() - 2);
            if (object.get(name) instanceof List<?> items) {
                for (int i = 0; i < items.size(); i++) {
                    visit(items.get(i), steps, step + 1, at + "." + name + "[" + i + "]", limit, out);
                }
            }
        } else {
            visit(object.get(name), steps, step + 1, at + "." + name, limit, out);
        }
    }

    private static java.util.regex.Pattern compiled(String goRegex) {
        java.util.regex.Pattern pattern = COMPILED.get(goRegex);
        if (pattern == null) {
            pattern = javaPattern(goRegex);
            COMPILED.put(goRegex, pattern);
        }
        return pattern;
    }

    /**
     * The CRD's pattern for java.util.regex. Both search the text unanchored, but Go's {@code $} matches only at the
     * end of the text, while Java's also matches before a final line break ("q35\n" would pass): a final {@code $}
     * becomes {@code \z}. The CRDs' patterns have no other {@code $}; one that has is refused here (SchemaLimitsCrdTest meets every pattern).
     */
    static java.util.regex.Pattern javaPattern(String goRegex) {
        String body = goRegex.endsWith("$") && !goRegex.endsWith("\\$") ? goRegex.substring(0, goRegex.length() - 1) : goRegex;
        if (body.replace("\\$", "").contains("$")) {
            throw new IllegalArgumentException("a $ inside " + goRegex + ": translate it to java.util.regex by hand");
        }
        return java.util.regex.Pattern.compile(body.equals(goRegex) ? body : body + "\\z");
    }

    /** The value for a message: control characters shown as '?', at most 64 characters. */
    private static String quote(String value) {
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            shown.append(Character.isISOControl(c) ? '?' : c);
        }
        return shown.append(value.length() > 64 ? "...\"" : "\"").toString();
    }
}
