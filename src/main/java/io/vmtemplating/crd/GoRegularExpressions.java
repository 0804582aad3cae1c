package io.vmtemplating.crd;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * Schema patterns with the API server's regular expressions (Go's RE2, unanchored search) through re2j, which
 * implements the same syntax and semantics. java.util.regex differs where it matters for a pattern such as
 * {@code ^[1-9][0-9]*Mi$}: its {@code $} also matches before a final newline, so "512Mi\n" would pass here
 * and fail on the server.
 */
final class GoRegularExpressions implements RegularExpressionFactory {

    static final GoRegularExpressions INSTANCE = new GoRegularExpressions();

    private GoRegularExpressions() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile(regex);
        return value -> pattern.matcher(value).find();
    }
}
