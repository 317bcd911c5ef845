package dev.satchel.spi;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An engine's own settings ({@code satchel.<engine>.*}) read with types and defaults. Problems are
 * collected rather than thrown one by one, and {@link #validate()} reports them all at once, each
 * naming its full key, so a user fixes a configuration in one pass.
 */
public final class EngineProperties {
    private final String prefix;
    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    private EngineProperties(String prefix, Map<String, String> values) {
        this.prefix = prefix;
        this.values = values;
    }

    /** The keys of {@code settings} under {@code prefix} (for example {@code satchel.db.}). */
    public static EngineProperties of(SessionSettings settings, String prefix) {
        return new EngineProperties(prefix, settings.engineProperties(prefix));
    }

    /** The raw value of {@code name} (without the prefix), if set. */
    public Optional<String> raw(String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim);
    }

    /** A string, or {@code defaultValue} when unset or blank. */
    public String string(String name, String defaultValue) {
        return raw(name).filter(v -> !v.isEmpty()).orElse(defaultValue);
    }

    /** A boolean ({@code true/false/yes/no/on/off/1/0}), or {@code defaultValue}. */
    public boolean bool(String name, boolean defaultValue) {
        Optional<String> v = raw(name).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseBoolean(prefix + name, v.get());
        } catch (SessionConfigurationException e) {
            problems.add(e.getMessage());
            return defaultValue;
        }
    }

    /** A whole number within {@code [min, max]}, or {@code defaultValue}. */
    public long number(String name, long defaultValue, long min, long max) {
        Optional<String> v = raw(name).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                problems.add(prefix + name + " must be between " + min + " and " + max + ", not " + n);
                return defaultValue;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(prefix + name + " must be a whole number, not \"" + v.get() + "\"");
            return defaultValue;
        }
    }

    /** A positive duration (seconds or ISO-8601 such as {@code PT2S}), or {@code defaultValue}. */
    public Duration duration(String name, Duration defaultValue) {
        Optional<String> v = raw(name).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            Duration d = parseDuration(prefix + name, v.get());
            if (d.isNegative() || d.isZero()) {
                problems.add(prefix + name + " must be positive, not " + v.get());
                return defaultValue;
            }
            return d;
        } catch (SessionConfigurationException e) {
            problems.add(e.getMessage());
            return defaultValue;
        }
    }

    /** One of {@code allowed} (case-insensitive, returned lower case), or {@code defaultValue}. */
    public String choice(String name, String defaultValue, Collection<String> allowed) {
        String v = string(name, defaultValue).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            problems.add(prefix + name + " must be one of " + allowed + ", not \"" + v + "\"");
            return defaultValue;
        }
        return v;
    }

    /** Every key under {@code name + "."} with that part removed, passed through untouched. */
    public Map<String, String> section(String name) {
        String sub = name + ".";
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(sub)) {
                out.put(k.substring(sub.length()), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Records a problem found by the engine itself, reported with the others by {@link #validate()}. */
    public void problem(String message) {
        problems.add(message);
    }

    /**
     * Reports keys that are neither in {@code known} nor under one of {@code sections} (typos would
     * otherwise be ignored silently).
     */
    public void rejectUnknown(Collection<String> known, Collection<String> sections) {
        for (String key : values.keySet()) {
            boolean ok = known.contains(key) || sections.stream().anyMatch(s -> key.startsWith(s + "."));
            if (!ok) {
                problems.add("unknown setting " + prefix + key + " (known: " + known + ")");
            }
        }
    }

    /**
     * Throws if any problem was found.
     *
     * @throws SessionConfigurationException listing every problem
     */
    public void validate() {
        if (problems.size() == 1) {
            throw new SessionConfigurationException("Invalid Satchel settings: " + problems.get(0));
        }
        if (!problems.isEmpty()) {
            StringBuilder sb = new StringBuilder("Invalid Satchel settings (" + problems.size() + " problems):");
            problems.forEach(p -> sb.append("\n  - ").append(p));
            throw new SessionConfigurationException(sb.toString());
        }
    }

    /** Parses a boolean setting; {@code key} names it in the error. */
    public static boolean parseBoolean(String key, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> {
                return true;
            }
            case "false", "no", "off", "0" -> {
                return false;
            }
            default -> throw new SessionConfigurationException(key + " must be true or false, not \"" + value + "\"");
        }
    }

    /** Parses seconds ({@code 1209600}) or an ISO-8601 duration ({@code P14D}); {@code key} names it. */
    public static Duration parseDuration(String key, String value) {
        String v = value.trim();
        try {
            if (!v.isEmpty() && (v.charAt(0) == 'P' || v.charAt(0) == 'p')) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new SessionConfigurationException(
                    key + " must be seconds or an ISO-8601 duration such as P14D, not \"" + value + "\"");
        }
    }
}
