package dev.herd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herd}: the command line. */
@Command(name = "herd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A pre-fork, multi-process server runtime for the JVM.",
        subcommands = {StatusCommand.class, ScaleCommand.class, ReloadCommand.class, StopCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand("serve", ServeCommand.commandLine());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"herd " + (v == null ? "development build" : v) + ", Java " + Runtime.version()};
        }
    }
}
