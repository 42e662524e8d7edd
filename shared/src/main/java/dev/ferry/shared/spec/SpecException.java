package dev.ferry.shared.spec;

import dev.ferry.shared.config.ConfigurationException;

import java.util.List;

/** A spec that cannot be used; every problem names the file, the place and what is wrong. */
public class SpecException extends ConfigurationException {
    private final List<String> problems;

    public SpecException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " problems in integration specs:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
