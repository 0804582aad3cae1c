package io.vmtemplating.contract;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, for the alerts' check: what is left of the expression once strings,
 * label matchers, range selectors and grouping label lists are taken out, less functions (a name before a parenthesis),
 * keywords and numbers. Enough for our rules; not a PromQL parser.
 */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "Inf", "NaN", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        String rest = expression
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ")
                .replaceAll("\\{[^}]*\\}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher name = NAME.matcher(rest);
        while (name.find()) {
            int before = name.start() - 1;
            boolean inNumber = before >= 0 && (Character.isDigit(rest.charAt(before)) || rest.charAt(before) == '.');
            boolean function = rest.substring(name.end()).stripLeading().startsWith("(");
            if (!inNumber && !function && !KEYWORDS.contains(name.group())) {
                names.add(name.group());
            }
        }
        return names;
    }
}
