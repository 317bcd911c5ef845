package dev.satchel.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Entry point of the child JVM {@link SecondVectorSet} starts: runs the named test classes with the
 * JUnit Platform, prints every failure, skip and abort by name, then one summary line; exits 1 on any
 * failure.
 */
public final class VectorSetMain {
    private VectorSetMain() {}

    public static void main(String[] args) throws ClassNotFoundException {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : args) {
            request.selectors(selectClass(Class.forName(name)));
        }
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        List<String> notes = new ArrayList<>();
        TestExecutionListener names = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                notes.add("SKIPPED " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    notes.add(result.getStatus() + " " + id.getUniqueId() + ": "
                            + result.getThrowable().map(Throwable::toString).orElse(""));
                }
            }
        };
        launcher.execute(built, summary, names);
        TestExecutionSummary s = summary.getSummary();
        notes.forEach(System.out::println);
        s.getFailures().forEach(f -> f.getException().printStackTrace(System.out));
        long failed = s.getTotalFailureCount();
        System.out.println("VECTOR-SET-RESULT tests=" + s.getTestsFoundCount() + " succeeded="
                + s.getTestsSucceededCount() + " failed=" + failed + " skipped=" + s.getTestsSkippedCount()
                + " aborted=" + s.getTestsAbortedCount());
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }
}
