package io.vmtemplating.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CloneSpecRulesTest {
    /** The rule as it was written before the loop replaced it (a DNS subdomain name). */
    private static final Pattern TEMPLATE_NAME = Pattern.compile("^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

    @Test
    void templateNamesAreWhatTheRegularExpressionSaid() {
        List<String> names = new ArrayList<>(List.of("a".repeat(252), "a".repeat(253), "a".repeat(254), "a-" + "b".repeat(251),
                "é", "a\u0000", "full.example", "x-remote"));
        // every string of up to 5 characters over letters, digits, '-', '.', a capital and a line break
        List<String> shorter = List.of("");
        for (int length = 0; length < 5; length++) {
            List<String> longer = new ArrayList<>();
            for (String prefix : shorter) {
                for (char c : "a0-.A\n".toCharArray()) {
                    longer.add(prefix + c);
                }
            }
            names.addAll(shorter);
            shorter = longer;
        }
        names.addAll(shorter);
        for (String name : names) {
            assertEquals(TEMPLATE_NAME.matcher(name).matches(), CloneSpecRules.isTemplateName(name), name);
        }
    }
}
