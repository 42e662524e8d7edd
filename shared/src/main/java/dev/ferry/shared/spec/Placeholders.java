package dev.ferry.shared.spec;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings in spec files: {@code ${billing.api.url:https://api.billing.example.com}} is the setting's value where the
 * deployment configures one, else the default after the colon. A setting with neither is a problem at its line. Text
 * replacement before YAML is read, so a setting may stand anywhere a value may, and comments may mention them freely.
 */
final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}");

    private final Function<String, Optional<String>> settings;

    Placeholders(Function<String, Optional<String>> settings) {
        this.settings = settings;
    }

    /** The YAML with every {@code ${key}} and {@code ${key:default}} outside comments replaced; problems name the line. */
    String resolve(String file, String yaml, List<String> problems) {
        StringBuilder out = new StringBuilder();
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("#")) { // a comment may mention ${...} freely
                out.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(lines[i]);
            StringBuilder line = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                Optional<String> value = settings.apply(key).or(() -> Optional.ofNullable(m.group(2)));
                if (value.isEmpty()) {
                    problems.add(file + ":" + (i + 1) + ": setting '" + key + "' is not configured and has no default"
                            + " (set it, or write ${" + key + ":default})");
                }
                m.appendReplacement(line, Matcher.quoteReplacement(value.orElse("")));
            }
            m.appendTail(line);
            out.append(line);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
