package dev.satchel.testing;

import dev.satchel.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A view of {@code middleware.json}, built from its description in the file's {@code views} map
 * (for example {@code request.session['k'] = 'v'; request.session.set_expiry(600)}), so the replay
 * does what the recorded view did with the arguments the file states.
 *
 * @param steps what the view does to the session, in order
 * @param vary the {@code Vary} header the response already had, or {@code null}
 */
public record DjangoView(List<Consumer<Session>> steps, String vary) {
    private static final Pattern ASSIGN = Pattern.compile("request\\.session\\[(.+)\\]\\s*=\\s*(.+)");
    private static final Pattern CALL = Pattern.compile("request\\.session\\.(\\w+)\\((.*)\\)");
    private static final Pattern VARY = Pattern.compile("response already has '?Vary: ([^']+)'?");
    private static final Pattern STATUS = Pattern.compile("returns status \\d+");

    /**
     * Reads one description.
     *
     * @throws IllegalArgumentException for a statement it does not know (a new kind of view)
     */
    public static DjangoView parse(String description) {
        List<Consumer<Session>> steps = new ArrayList<>();
        String vary = null;
        for (String raw : description.split(";")) {
            String statement = raw.trim();
            Matcher m;
            if (statement.isEmpty() || statement.equals("does not touch request.session")) {
                continue;
            }
            if ((m = ASSIGN.matcher(statement)).matches()) {
                String key = (String) PythonLiteral.parse(m.group(1));
                Object value = PythonLiteral.parse(m.group(2));
                steps.add(s -> s.put(key, value));
            } else if ((m = VARY.matcher(statement)).matches()) {
                vary = m.group(1).trim();
            } else if (STATUS.matcher(statement).matches()) {
                continue; // the case's status_code says it
            } else if ((m = CALL.matcher(statement)).matches()) {
                steps.add(call(m.group(1), m.group(2).trim(), description));
            } else {
                throw new IllegalArgumentException("unknown view statement \"" + statement + "\" in: " + description);
            }
        }
        return new DjangoView(List.copyOf(steps), vary);
    }

    private static Consumer<Session> call(String method, String args, String description) {
        switch (method) {
            case "get" -> {
                String key = (String) PythonLiteral.parse(args);
                return s -> s.get(key);
            }
            case "set_expiry" -> {
                Object arg = PythonLiteral.parse(args);
                if (arg == null) {
                    return Session::clearExpiry;
                }
                if (arg instanceof Long seconds) {
                    return s -> s.setExpiry(seconds);
                }
                throw new IllegalArgumentException("set_expiry(" + args + ") in: " + description);
            }
            case "flush" -> {
                return Session::flush;
            }
            case "clear" -> {
                return Session::clear;
            }
            case "cycle_key" -> {
                return Session::cycleKey;
            }
            default -> throw new IllegalArgumentException("unknown session call " + method + " in: " + description);
        }
    }

    /** Runs the view's steps on a session. */
    public void run(Session session) {
        steps.forEach(step -> step.accept(session));
    }
}
