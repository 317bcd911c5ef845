package dev.satchel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code scripts/test-deps}), once per engine. The browser keeps the cookie, so this checks what
 * a person would see: the counter, a second profile as an incognito window, deleting the cookie,
 * log-in and log-out, a replayed cookie, and the cookie's flags as the browser stored them.
 *
 * <p>Selenium is given both the browser and the driver binaries, so Selenium Manager never runs
 * (it would try to download them). Screenshots go to {@code target/screenshots/}; with {@code
 * -Dsatchel.demo.screenshot=PATH}, the {@code signed_cookies} run (the default configuration) also
 * writes its screenshot there.
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long COOKIE_AGE = 3600;

    @BeforeAll
    static void requireChromium() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
            return;
        }
        String message = "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER + ": run scripts/test-deps";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** The demo's settings for one engine, with non-default cookie flags to check they are applied. */
    private static Properties config(String engine, Path dir) {
        Properties p = new Properties();
        p.setProperty("satchel.engine", engine);
        p.setProperty("satchel.secret-key", "browser-test-secret-key");
        p.setProperty("satchel.cookie.same-site", "Strict");
        p.setProperty("satchel.cookie.age", Long.toString(COOKIE_AGE));
        switch (engine) {
            case "file" ->
                p.setProperty("satchel.file.path", dir.resolve("sessions").toString());
            case "cache" -> p.setProperty("satchel.cache.url", "caffeine:");
            case "db" -> p.setProperty("satchel.db.url", "jdbc:sqlite:" + dir.resolve("sessions.sqlite3"));
            default -> {}
        }
        p.setProperty(DemoServer.PORT, "0");
        p.setProperty(DemoServer.USERS_URL, "jdbc:sqlite:" + dir.resolve("users.sqlite3"));
        p.setProperty(DemoServer.PASSWORD_ITERATIONS, "100000");
        return p;
    }

    /** A new headless Chromium with a profile of its own: a second one is an incognito window. */
    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-features=Translate,OptimizationHints,MediaRouter,PasswordLeakDetection",
                "--no-first-run",
                "--no-default-browser-check",
                "--password-store=basic",
                "--window-size=1100,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        options.setExperimentalOption(
                "prefs", Map.of("credentials_enable_service", false, "profile.password_manager_enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return driver;
    }

    private static long visits(WebDriver driver) {
        return Long.parseLong(driver.findElement(By.id("visits")).getText());
    }

    private static String cookie(WebDriver driver) {
        Cookie c = driver.manage().getCookieNamed("sessionid");
        return c == null ? null : c.getValue();
    }

    private static void submit(WebDriver driver, String username, String password, String expectedUrlPart) {
        WebElement name = driver.findElement(By.id("username"));
        name.clear();
        name.sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        WebElement button = driver.findElement(By.id("submit"));
        button.click();
        // The answer may come back to the same URL (a refused log-in): wait for the page to be replaced
        // first, or the next lookup can still read the old one.
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.stalenessOf(button));
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains(expectedUrlPart));
    }

    /** The items of a list; found again if a navigation replaces the page while they are read. */
    private static List<String> listed(WebDriver driver, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                return driver.findElements(By.cssSelector("#" + id + " li")).stream()
                        .map(WebElement::getText)
                        .toList();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"signed_cookies", "file", "cache", "db"})
    void theTutorialsInHeadlessChromium(String engine, @TempDir Path dir) throws Exception {
        try (DemoServer server = DemoServer.start(config(engine, dir))) {
            String base = server.baseUri().toString();
            boolean serverSide = server.sessions().engine().storesRecords();
            WebDriver browser = chromium(dir.resolve("profile-a"));
            try {
                // The counter rises across reloads; the cookie has the configured flags.
                browser.get(base);
                assertEquals(1, visits(browser));
                assertEquals(engine, browser.findElement(By.id("engine")).getText());
                browser.navigate().refresh();
                assertEquals(2, visits(browser));
                browser.navigate().refresh();
                assertEquals(3, visits(browser));
                Cookie cookie = browser.manage().getCookieNamed("sessionid");
                assertNotNull(cookie);
                assertTrue(cookie.isHttpOnly(), "HttpOnly");
                assertEquals("Strict", cookie.getSameSite());
                assertEquals("/", cookie.getPath());
                assertFalse(cookie.isSecure(), "not Secure (plain HTTP)");
                assertNotNull(cookie.getExpiry(), "a persistent cookie (Max-Age set)");
                long ageSeconds = (cookie.getExpiry().getTime() - System.currentTimeMillis()) / 1000;
                assertTrue(Math.abs(ageSeconds - COOKIE_AGE) < 120, "expires in satchel.cookie.age: " + ageSeconds);

                // The test cookie of /about.
                browser.get(base + "about");
                assertEquals(
                        "A test cookie was set.",
                        browser.findElement(By.id("about-result")).getText());
                browser.navigate().refresh();
                assertTrue(browser.findElement(By.id("about-result")).getText().contains("cookies work"));

                // A fresh profile, as an incognito window, starts from the beginning.
                WebDriver incognito = chromium(dir.resolve("profile-b"));
                try {
                    incognito.get(base);
                    assertEquals(1, visits(incognito));
                    assertNotEquals(cookie(browser), cookie(incognito));
                } finally {
                    incognito.quit();
                }
                browser.get(base);
                assertEquals(4, visits(browser), "the first window kept counting");

                // Deleting the cookie starts a new session.
                browser.manage().deleteCookieNamed("sessionid");
                browser.get(base);
                assertEquals(1, visits(browser));

                // The create / access / delete views.
                browser.get(base + "session/create?name=Grace%20Hopper&color=navy");
                browser.get(base + "session/access");
                assertEquals(
                        "Name: Grace Hopper, color: navy",
                        browser.findElement(By.id("result")).getText());
                browser.get(base + "session/delete");
                browser.get(base + "session/access");
                assertTrue(browser.findElement(By.id("result")).getText().startsWith("Nothing is stored"));

                // Anonymous cart, then sign-up: a new cookie value, the cart kept.
                browser.get(base + "cart/add?item=apple");
                browser.findElement(By.id("item")).sendKeys("pear");
                browser.findElement(By.id("add")).click();
                new WebDriverWait(browser, WAIT).until(d -> listed(d, "cart").size() == 2);
                assertEquals(List.of("apple", "pear"), listed(browser, "cart"));
                String anonymous = cookie(browser);
                browser.get(base + "tasks");
                assertTrue(browser.getCurrentUrl().endsWith("/login?next=/tasks"), browser.getCurrentUrl());
                browser.get(base + "signup?next=/cart");
                submit(browser, "grace", "c0rrect horse", "/cart");
                String signedUp = cookie(browser);
                assertNotEquals(anonymous, signedUp, "log-in changes the cookie value");
                assertEquals(List.of("apple", "pear"), listed(browser, "cart"));
                assertEquals("grace", browser.findElement(By.id("user")).getText());
                if (serverSide) {
                    assertFalse(server.sessions().session(anonymous).exists(anonymous), "old key deleted");
                }

                // The tasks page, for logged-in users.
                browser.get(base + "tasks");
                assertTrue(browser.getCurrentUrl().endsWith("/tasks"));
                browser.findElement(By.id("task")).sendKeys("Write the release notes");
                browser.findElement(By.id("add-task")).click();
                new WebDriverWait(browser, WAIT).until(d -> listed(d, "tasks").size() == 1);
                assertEquals(List.of("Write the release notes"), listed(browser, "tasks"));

                // Log-out deletes the cookie; the old value, replayed, logs nobody in.
                browser.get(base);
                long before = visits(browser);
                String loggedIn = cookie(browser);
                browser.findElement(By.id("logout")).click();
                new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("logged_out"));
                assertNull(browser.manage().getCookieNamed("sessionid"), "log-out deletes the cookie");
                browser.manage()
                        .addCookie(new Cookie.Builder("sessionid", loggedIn)
                                .path("/")
                                .isHttpOnly(true)
                                .sameSite("Strict")
                                .build());
                browser.get(base);
                if (serverSide) {
                    assertEquals(1, visits(browser), "the record is gone: counting starts again");
                } else {
                    // Django's documented limit of cookie sessions: the copy still decodes.
                    assertEquals(before + 1, visits(browser));
                }
                assertEquals(
                        "Anonymous", browser.findElement(By.className("who")).getText());
                browser.manage()
                        .addCookie(new Cookie.Builder("sessionid", loggedIn)
                                .path("/")
                                .isHttpOnly(true)
                                .sameSite("Strict")
                                .build());
                browser.get(base + "tasks");
                assertTrue(browser.getCurrentUrl().endsWith("/login?next=/tasks"), browser.getCurrentUrl());

                // Log in again: a wrong password first, then the cart survives the log-in.
                browser.manage().deleteAllCookies();
                browser.get(base + "cart/add?item=plum");
                String beforeLogin = cookie(browser);
                browser.get(base + "tasks");
                submit(browser, "grace", "wrong horse", "/login");
                assertEquals(
                        "Wrong user name or password.",
                        browser.findElement(By.id("error")).getText());
                assertEquals(beforeLogin, cookie(browser));
                submit(browser, "grace", "c0rrect horse", "/tasks");
                assertTrue(browser.getCurrentUrl().endsWith("/tasks"), browser.getCurrentUrl());
                assertNotEquals(beforeLogin, cookie(browser), "log-in changes the cookie value");
                browser.get(base + "cart");
                assertEquals(List.of("plum"), listed(browser, "cart"));

                // A picture for the README: the counter page of a logged-in session.
                browser.get(base);
                browser.navigate().refresh();
                browser.navigate().refresh();
                assertEquals(3, visits(browser));
                screenshot(browser, engine);
            } finally {
                browser.quit();
            }
        }
    }

    private static void screenshot(WebDriver browser, String engine) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(png, dir.resolve("demo-" + engine + ".png"), StandardCopyOption.REPLACE_EXISTING);
        String wanted = System.getProperty("satchel.demo.screenshot", "");
        if (!wanted.isBlank() && engine.equals("signed_cookies")) {
            Path target = Path.of(wanted).toAbsolutePath();
            Files.createDirectories(target.getParent());
            Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(png) > 10_000, "a real picture");
    }
}
