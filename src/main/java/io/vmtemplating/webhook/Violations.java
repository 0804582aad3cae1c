package io.vmtemplating.webhook;

import java.util.ArrayList;
import java.util.List;

/** Collects violations while the rules of one object run; every rule adds to it, none stops the others. */
final class Violations {

    private final List<Violation> found = new ArrayList<>();

    void add(String fieldPath, String message) {
        found.add(new Violation(fieldPath, message));
    }

    void addAll(List<Violation> more) {
        found.addAll(more);
    }

    List<Violation> list() {
        return List.copyOf(found);
    }
}
