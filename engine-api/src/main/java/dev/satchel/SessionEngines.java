package dev.satchel;

import dev.satchel.spi.SessionEngineProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds engines by name through {@link ServiceLoader}: {@code db}, {@code cache}, {@code cached_db},
 * {@code file}, {@code signed_cookies}, their Django dotted names ({@code
 * django.contrib.sessions.backends.db}, ...) and any third-party engine. It never guesses: an unknown
 * name fails and lists what was found, and a name claimed twice fails and lists both claimants. A
 * provider that cannot be loaded is reported without hiding the others.
 */
public final class SessionEngines {
    private SessionEngines() {}

    /** The provider registered under {@code name} (or an alias), from this library's class loader. */
    public static SessionEngineProvider find(String name) {
        return find(name, SessionEngines.class.getClassLoader());
    }

    /**
     * The provider registered under {@code name} (or an alias) in {@code loader}.
     *
     * @throws SessionConfigurationException if no provider or more than one provider claims it
     */
    public static SessionEngineProvider find(String name, ClassLoader loader) {
        Discovery found = discover(loader);
        List<SessionEngineProvider> claimants = found.byName.get(name);
        if (claimants == null || claimants.isEmpty()) {
            StringBuilder sb = new StringBuilder("No session engine named \"" + name + "\". Engines found: ");
            sb.append(found.byName.isEmpty() ? "none" : String.join(", ", found.primaryNames()));
            sb.append(". Add the engine's module (for example satchel-engine-db for \"db\") to the class path");
            sb.append(" or fix satchel.engine.");
            appendBroken(sb, found.broken);
            throw new SessionConfigurationException(sb.toString());
        }
        if (claimants.size() > 1) {
            StringBuilder sb = new StringBuilder("Session engine name \"" + name + "\" is claimed by "
                    + claimants.size() + " providers; remove all but one from the class path:");
            for (SessionEngineProvider p : claimants) {
                sb.append("\n  - ")
                        .append(p.getClass().getName())
                        .append(" (")
                        .append(where(p))
                        .append(')');
            }
            throw new SessionConfigurationException(sb.toString());
        }
        return claimants.get(0);
    }

    /** The primary names of every engine found in {@code loader}, sorted. */
    public static List<String> available(ClassLoader loader) {
        return discover(loader).primaryNames();
    }

    /** The primary names of every engine found by this library's class loader, sorted. */
    public static List<String> available() {
        return available(SessionEngines.class.getClassLoader());
    }

    private static void appendBroken(StringBuilder sb, List<String> broken) {
        if (!broken.isEmpty()) {
            sb.append(" Providers that failed to load:");
            for (String b : broken) {
                sb.append("\n  - ").append(b);
            }
        }
    }

    private static String where(SessionEngineProvider p) {
        var source = p.getClass().getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null
                ? "unknown location"
                : source.getLocation().toString();
    }

    private static Discovery discover(ClassLoader loader) {
        Discovery d = new Discovery();
        Iterator<ServiceLoader.Provider<SessionEngineProvider>> it =
                ServiceLoader.load(SessionEngineProvider.class, loader).stream().iterator();
        // Bounded, so a loader that keeps failing cannot spin forever.
        for (int guard = 0; guard < 1000; guard++) {
            ServiceLoader.Provider<SessionEngineProvider> candidate;
            try {
                if (!it.hasNext()) {
                    break;
                }
                candidate = it.next();
            } catch (ServiceConfigurationError e) {
                d.broken.add(e.getMessage());
                continue;
            }
            SessionEngineProvider provider;
            try {
                provider = candidate.get();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                d.broken.add(candidate.type().getName() + ": " + e);
                continue;
            }
            d.add(provider);
        }
        return d;
    }

    private static final class Discovery {
        final Map<String, List<SessionEngineProvider>> byName = new LinkedHashMap<>();
        final Map<String, SessionEngineProvider> primary = new TreeMap<>();
        final List<String> broken = new ArrayList<>();

        void add(SessionEngineProvider provider) {
            String name = provider.name();
            primary.putIfAbsent(name, provider);
            claim(name, provider);
            for (String alias : provider.aliases()) {
                if (!alias.equals(name)) {
                    claim(alias, provider);
                }
            }
        }

        private void claim(String name, SessionEngineProvider provider) {
            List<SessionEngineProvider> list = byName.computeIfAbsent(name, k -> new ArrayList<>());
            for (SessionEngineProvider p : list) {
                if (p.getClass() == provider.getClass()) {
                    return; // the same provider seen twice through one class loader is not a conflict
                }
            }
            list.add(provider);
        }

        List<String> primaryNames() {
            return new ArrayList<>(primary.keySet());
        }
    }
}
