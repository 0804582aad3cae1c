package io.vmtemplating.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code vmt} command's dispatcher for the subcommands that do not boot Quarkus. {@code vmt operator}
 * is the Quarkus application itself (the vmt script starts it directly).
 */
public final class Vmt {

    /** A subcommand: arguments in, exit code out. */
    @FunctionalInterface
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    private static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("launcher", (args, out, err) -> io.vmtemplating.launcher.Launcher.run(args, System.getenv(), out, err));
        commands.put("validate", ValidateCommand::run);
        commands.put("run", RunCommand::run);
        commands.put("demo", DemoCommand::run);
        commands.put("node", NodeCommand::run);
        commands.put("bench", io.vmtemplating.bench.BenchCommand::run);
        return commands;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("launcher")) {
            // a pod's entry point goes straight to the launcher: no log manager, no command table (their set-up,
            // lambdas included, cost ~130 ms before QEMU could start)
            System.exit(io.vmtemplating.launcher.Launcher.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.getenv(), System.out, System.err));
        }
        if (args.length == 1 && args[0].equals("launcher-training")) {
            // the vmt script records the launcher's class archive from this run: the launcher's path, nothing else
            try {
                System.exit(io.vmtemplating.launcher.StartPathTraining.run());
            } catch (java.io.IOException e) {
                System.err.println("vmt launcher-training: " + e.getMessage());
                System.exit(1);
            }
        }
        quietLogging();
        System.exit(run(args, System.out, System.err));
    }

    /** The embedded API server and the operator log every request at INFO: keep the terminal for the user. */
    private static void quietLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        if (root.getHandlers().length == 0) {
            root.addHandler(new java.util.logging.ConsoleHandler());
        }
        for (java.util.logging.Handler handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Runs one vmt command in this JVM; the exit code it would end with (the end-to-end tests call it too). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage(out, commands);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("vmt: unknown command '" + args[0] + "'");
            usage(err, commands);
            return 2;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        } catch (Exception e) {
            err.println("vmt " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    private static void usage(PrintStream out, Map<String, Command> commands) {
        out.println("usage: vmt <command> [args]");
        out.println("  operator    run the operator and admission webhook (Quarkus)");
        commands.keySet().forEach(name -> out.println("  " + name));
    }
}
