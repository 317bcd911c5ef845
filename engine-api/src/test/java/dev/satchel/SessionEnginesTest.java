package dev.satchel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery through a class loader that sees only the providers each test lists. */
class SessionEnginesTest {
    @TempDir
    Path dir;

    /** A provider named "alpha" with Django's dotted name as an alias. */
    public static final class AlphaProvider implements SessionEngineProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("django.contrib.sessions.backends.alpha");
        }

        @Override
        public SessionEngine create(EngineContext context) {
            throw new UnsupportedOperationException("discovery tests never create an engine");
        }
    }

    /** A second provider claiming the name "alpha". */
    public static final class RivalAlphaProvider implements SessionEngineProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public SessionEngine create(EngineContext context) {
            throw new UnsupportedOperationException("discovery tests never create an engine");
        }
    }

    /** A provider named "beta". */
    public static final class BetaProvider implements SessionEngineProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public SessionEngine create(EngineContext context) {
            throw new UnsupportedOperationException("discovery tests never create an engine");
        }
    }

    /** A provider whose constructor fails. */
    public static final class BrokenProvider implements SessionEngineProvider {
        public BrokenProvider() {
            throw new IllegalStateException("broken on purpose");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public SessionEngine create(EngineContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private ClassLoader loaderWith(String... providerClasses) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(
                services.resolve(SessionEngineProvider.class.getName()),
                String.join("\n", providerClasses) + "\n",
                StandardCharsets.UTF_8);
        ClassLoader parent = getClass().getClassLoader();
        // Only our temporary services file is visible for the provider interface; classes come from parent.
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, parent) {
            @Override
            public java.util.Enumeration<URL> getResources(String name) throws IOException {
                if (name.startsWith("META-INF/services/")) {
                    return findResources(name);
                }
                return super.getResources(name);
            }
        };
    }

    @Test
    void findsByName_andByDjangoAlias() throws IOException {
        ClassLoader loader = loaderWith(AlphaProvider.class.getName(), BetaProvider.class.getName());
        assertEquals(AlphaProvider.class, SessionEngines.find("alpha", loader).getClass());
        assertEquals(
                AlphaProvider.class,
                SessionEngines.find("django.contrib.sessions.backends.alpha", loader)
                        .getClass());
        assertEquals(BetaProvider.class, SessionEngines.find("beta", loader).getClass());
        assertEquals(List.of("alpha", "beta"), SessionEngines.available(loader));
    }

    @Test
    void unknownName_failsAndListsWhatWasFound() throws IOException {
        ClassLoader loader = loaderWith(AlphaProvider.class.getName(), BetaProvider.class.getName());
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionEngines.find("gamma", loader));
        assertTrue(e.getMessage().contains("\"gamma\""), e.getMessage());
        assertTrue(e.getMessage().contains("alpha, beta"), e.getMessage());
    }

    @Test
    void twoProvidersOfOneName_failAndListBoth() throws IOException {
        ClassLoader loader = loaderWith(AlphaProvider.class.getName(), RivalAlphaProvider.class.getName());
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionEngines.find("alpha", loader));
        assertTrue(e.getMessage().contains(AlphaProvider.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(RivalAlphaProvider.class.getName()), e.getMessage());
    }

    @Test
    void brokenProviders_doNotHideTheOthers_andAreReported() throws IOException {
        ClassLoader loader = loaderWith(
                "dev.satchel.NoSuchProviderClass", BrokenProvider.class.getName(), BetaProvider.class.getName());
        assertEquals(BetaProvider.class, SessionEngines.find("beta", loader).getClass());
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionEngines.find("broken", loader));
        assertTrue(e.getMessage().contains("BrokenProvider"), e.getMessage());
        assertTrue(e.getMessage().contains("NoSuchProviderClass"), e.getMessage());
    }

    @Test
    void noProviders_failsClearly() throws IOException {
        ClassLoader loader = loaderWith();
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionEngines.find("db", loader));
        assertTrue(e.getMessage().contains("none"), e.getMessage());
    }

    @Test
    void managerOpen_usesTheNamedEngine() throws IOException {
        ClassLoader loader = loaderWith(BetaProvider.class.getName());
        SessionSettings settings =
                SessionSettings.builder().secretKey("k").engine("beta").build();
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class,
                () -> SessionManager.builder(settings).classLoader(loader).build());
        assertTrue(e.getMessage().contains("never create"));
        SessionEngineProvider found = SessionEngines.find("beta", loader);
        assertSame(BetaProvider.class, found.getClass());
    }
}
