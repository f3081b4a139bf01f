package dev.herd.config;

/**
 * Where the configuration of {@code herd serve} comes from: the command line, the environment and
 * the configuration file. The spawner reads it once at start and again on every reload, so a
 * changed file (or a new application jar) takes effect without a restart.
 */
@FunctionalInterface
public interface ConfigSource {
    /**
     * Reads every layer afresh and validates the result, cross-setting rules included.
     *
     * @throws IllegalArgumentException naming the setting, where it was given (file and line,
     *                                  environment variable) and the accepted forms
     */
    Config load();
}
