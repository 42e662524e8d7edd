package dev.ferry.shared.config;

/** A deployment or spec problem that no retry can fix; the message says what to change. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
