package dev.herd.cli.config;

import dev.herd.config.Config;
import dev.herd.config.ConfigSource;
import dev.herd.config.Origin;
import dev.herd.config.Setting;
import dev.herd.config.Settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The configuration of {@code herd serve} from its four layers, the first that gives a setting
 * winning: the command line, the environment ({@code HERD_MAX_HANDLERS=4}), the configuration file
 * ({@code --config} or {@code HERD_CONFIG}), the declared default. The command line and the
 * environment are those the process started with; the file is read again on every {@link #load()},
 * which is how a reload sees an edited file.
 */
public final class LayeredConfig implements ConfigSource {
    private static final String PREFIX = "HERD_";

    private final Map<Setting<?>, String> commandLine;
    private final List<String> programArgs;
    private final Map<String, String> environment;

    /**
     * @param commandLine the options given on the command line, as given
     * @param programArgs what followed {@code --}: the application's own arguments
     * @param environment the process's environment (tests pass their own)
     */
    public LayeredConfig(Map<Setting<?>, String> commandLine, List<String> programArgs,
                         Map<String, String> environment) {
        this.commandLine = Map.copyOf(commandLine);
        this.programArgs = List.copyOf(programArgs);
        this.environment = Map.copyOf(environment);
    }

    /**
     * @throws IllegalArgumentException naming where the bad value was given (file and line,
     *                                  environment variable, option) and the accepted forms
     */
    @Override
    public Config load() {
        List<Given> fromEnvironment = environmentLayer();
        List<Given> fromCommandLine = commandLineLayer();
        List<Given> fromFile = file(fromEnvironment, fromCommandLine)
                .map(file -> TomlFile.read(file.path(), file.givenBy()))
                .orElse(List.of());
        Config.Builder builder = Config.builder().programArgs(programArgs);
        // Lowest precedence first: a later layer replaces what an earlier one set.
        Stream.of(fromFile, fromEnvironment, fromCommandLine)
                .flatMap(List::stream)
                .forEach(given -> builder.set(given.setting(), given.text(), given.origin()));
        Config config = builder.build();
        Settings.validate(config);
        return config;
    }

    /**
     * One line for each {@code HERD_} variable that names no setting: a misspelling would otherwise
     * be silently ignored.
     */
    public List<String> warnings() {
        Set<String> known = Settings.SERVE.stream().map(Setting::environmentVariable).collect(Collectors.toSet());
        return environment.keySet().stream()
                .filter(name -> name.startsWith(PREFIX) && !known.contains(name))
                .sorted()
                .map(name -> name + " is not a setting of herd serve, ignored"
                        + Names.closest(name, known).map(k -> " (did you mean " + k + "?)").orElse(""))
                .toList();
    }

    private List<Given> environmentLayer() {
        List<Given> given = new ArrayList<>();
        for (Setting<?> setting : Settings.SERVE) {
            String variable = setting.environmentVariable();
            String text = environment.get(variable);
            if (text != null) {
                given.add(Given.checked(setting, text, new Origin.Environment(variable),
                        "invalid value for " + variable + ": '" + text + "'"));
            }
        }
        return given;
    }

    private List<Given> commandLineLayer() {
        return Settings.SERVE.stream()
                .filter(commandLine::containsKey)
                .map(setting -> Given.checked(setting, commandLine.get(setting), Origin.COMMAND_LINE,
                        "invalid value for " + setting.option() + ": '" + commandLine.get(setting) + "'"))
                .toList();
    }

    /** The configuration file, if the command line or else the environment names one. */
    private static Optional<NamedFile> file(List<Given> fromEnvironment, List<Given> fromCommandLine) {
        return Stream.concat(fromEnvironment.stream(), fromCommandLine.stream())
                .filter(given -> given.setting() == Settings.CONFIG)
                .reduce((lower, higher) -> higher)
                .flatMap(given -> Settings.CONFIG.parse(given.text()).map(path -> new NamedFile(path,
                        given.origin() instanceof Origin.Environment env ? env.variable() : Settings.CONFIG.option())));
    }

    private record NamedFile(Path path, String givenBy) {
    }
}
