package io.vmtemplating.qemu;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One answer of the test guest's /init: "ANSWER n=<counter> up=<uptime s> sum=<md5 of the pattern> rnd=<hex> cmd=<line>". */
record GuestAnswer(int counter, double uptimeSeconds, String patternSum, String randomHex) {
    private static final Pattern FORMAT = Pattern.compile("ANSWER n=(\\d+) up=([\\d.]+) sum=(\\w+) rnd=(\\w*) cmd=(.*)");

    /**
     * Sends "command token" and waits for the answer naming that token. A command with an argument ("dirty 64") goes
     * without the token: the guest reads the argument to the end of the line (with a token, dd got no number and wrote nothing).
     */
    static GuestAnswer ask(SerialConsole console, String command, Duration timeout) throws IOException {
        String line = command.contains(" ") ? command : (command + " " + UUID.randomUUID()).strip();
        console.send(line);
        String answer = console.awaitLine(l -> l.startsWith("ANSWER ") && l.endsWith("cmd=" + line), timeout)
                .orElseThrow(() -> new AssertionError("guest did not answer '" + line + "' within " + timeout.toSeconds()
                        + " s; console so far: " + console.transcript()));
        Matcher matcher = FORMAT.matcher(answer);
        if (!matcher.matches()) {
            throw new AssertionError("unexpected answer: " + answer);
        }
        return new GuestAnswer(Integer.parseInt(matcher.group(1)), Double.parseDouble(matcher.group(2)), matcher.group(3), matcher.group(4));
    }
}
