package io.vmtemplating.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A QEMU option value such as {@code virtio-net-pci,netdev=n0,romfile=} split the way QEMU's own parser does:
 * comma-separated, {@code ,,} is a literal comma, and a first element without {@code =} is the implied key
 * (driver, type, ...).
 */
record QemuOptionValue(String implied, Map<String, String> properties) {

    static QemuOptionValue parse(String value, String impliedKey) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        String implied = "";
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            int eq = part.indexOf('=');
            if (eq < 0 && i == 0) {
                implied = part;
            } else if (eq < 0) {
                properties.put(part, "on"); // QEMU reads a bare key as key=on
            } else {
                properties.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        if (properties.containsKey(impliedKey)) {
            implied = properties.get(impliedKey);
        }
        return new QemuOptionValue(implied, properties);
    }
}
