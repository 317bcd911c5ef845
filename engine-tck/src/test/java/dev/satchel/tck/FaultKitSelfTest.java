package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The fault kit passes on an engine that raises while its store is down, and fails on one that lies. */
class FaultKitSelfTest {

    /** The kit's cases against the honest engine: all pass. */
    @Nested
    class HonestEngine extends SessionEngineFaultKit {
        private BreakableEngine engine;

        @Override
        protected SessionEngine createEngine(EngineContext context) {
            engine = new BreakableEngine(context, false);
            return engine;
        }

        @Override
        protected List<StoreFault> faults() {
            return List.of(engine.fault());
        }
    }

    /** A kit instance over the lying engine, driven by hand so that its failures can be checked. */
    private static final class LyingEngineKit extends SessionEngineFaultKit {
        private BreakableEngine engine;

        @Override
        protected SessionEngine createEngine(EngineContext context) {
            engine = new BreakableEngine(context, true);
            return engine;
        }

        @Override
        protected List<StoreFault> faults() {
            return List.of(engine.fault());
        }
    }

    private static void assertEveryCaseFails(java.util.function.Function<LyingEngineKit, Stream<DynamicTest>> kase) {
        LyingEngineKit kit = new LyingEngineKit();
        kit.openFaultKit();
        try {
            Supplier<Stream<DynamicTest>> tests = () -> kase.apply(kit);
            tests.get()
                    .forEach(t -> assertThrows(AssertionError.class, t.getExecutable()::execute, t.getDisplayName()));
        } finally {
            kit.closeFaultKit();
        }
    }

    @Test
    void anEngineThatLoadsEmptyWhileDown_fails() {
        assertEveryCaseFails(SessionEngineFaultKit::loadDuringFault_isRightOrRaises);
    }

    @Test
    void anEngineThatDropsAcknowledgedSaves_fails() {
        assertEveryCaseFails(SessionEngineFaultKit::saveDuringFault_isKeptOrRaisesWithThePreviousVersionIntact);
        assertEveryCaseFails(SessionEngineFaultKit::createDuringFault_isKeptOrRaisesWithoutAKey);
        assertEveryCaseFails(SessionEngineFaultKit::acknowledgedSaves_surviveAFlappingStore);
    }

    @Test
    void anEngineWhoseLogoutReturnsWithoutDeleting_fails() {
        assertEveryCaseFails(SessionEngineFaultKit::logoutDuringFault_isFinalOrRaises);
    }
}
