package dev.herd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Map;

/** {@code herd}: the command line. */
@Command(name = "herd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A pre-fork, multi-process server runtime for the JVM.",
        subcommands = {StatusCommand.class, ScaleCommand.class, ReloadCommand.class, StopCommand.class,
                ReopenLogsCommand.class,
                DocsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The ./herd launcher adds: build (build only); test [--unit] [--test NAME] [--without TOOL,...]",
                "(the tests, see CONTRIBUTING.md); test-tools (install what the tests drive); java-home (the JDK it uses)."})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** @param environment what {@code herd serve} and {@code herd config} read {@code HERD_*} settings from */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand("serve", new ServeCommand(environment).commandLine());
        cli.addSubcommand("config", new ConfigCommand(environment).commandLine());
        cli.addSubcommand("train", new TrainCommand(environment).commandLine());
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
