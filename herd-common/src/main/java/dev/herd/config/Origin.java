package dev.herd.config;

import java.nio.file.Path;

/**
 * Where a setting's value came from: one of the layers of {@code herd serve}'s configuration,
 * which {@code herd config} shows beside each value and error messages name.
 */
public sealed interface Origin {
    Origin DEFAULT = new Default();
    Origin COMMAND_LINE = new CommandLine();

    /**
     * As a user reads it: {@code default}, {@code herd.toml:7}, {@code env HERD_MAX_HANDLERS} or
     * {@code command line}.
     */
    String describe();

    /** The layer alone: {@code default}, {@code file}, {@code environment} or {@code command line}. */
    String layer();

    /** The setting's declared default: nothing gave it. */
    record Default() implements Origin {
        @Override
        public String describe() {
            return "default";
        }

        @Override
        public String layer() {
            return "default";
        }
    }

    /** A key of the configuration file, at {@code line} (from 1). */
    record File(Path path, int line) implements Origin {
        @Override
        public String describe() {
            return path + ":" + line;
        }

        @Override
        public String layer() {
            return "file";
        }
    }

    /** An environment variable such as {@code HERD_MAX_HANDLERS}. */
    record Environment(String variable) implements Origin {
        @Override
        public String describe() {
            return "env " + variable;
        }

        @Override
        public String layer() {
            return "environment";
        }
    }

    /** An option on the command line (for a handler process: the arguments its spawner gave it). */
    record CommandLine() implements Origin {
        @Override
        public String describe() {
            return "command line";
        }

        @Override
        public String layer() {
            return "command line";
        }
    }
}
