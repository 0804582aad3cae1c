package io.vmtemplating.bench;

/** Input the user must fix: its message is one line naming the flag and the fix; `vmt bench` exits with 2. */
final class BadBenchInput extends Exception {
    BadBenchInput(String message) {
        super(message);
    }
}
