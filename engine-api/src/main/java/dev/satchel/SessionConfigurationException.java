package dev.satchel;

/**
 * Settings that are missing, insecure or contradictory, or an engine name that matches no engine
 * or more than one. Raised at start-up, naming the setting or listing the candidates.
 */
public class SessionConfigurationException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionConfigurationException(String message) {
        super(message);
    }

    public SessionConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
