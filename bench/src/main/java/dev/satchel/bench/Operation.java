package dev.satchel.bench;

/** What a paired benchmark measures: one operation, applied to whichever side's turn it is. */
public enum Operation {
    LOAD,
    READ,
    SAVE,
    CREATE,
    CYCLE;

    /** Runs this operation once on {@code side}. */
    public Object apply(Contender side, int slot, long counter) {
        return switch (this) {
            case LOAD -> side.load(slot);
            case READ -> side.read(slot);
            case SAVE -> side.save(slot, counter);
            case CREATE -> side.create();
            case CYCLE -> side.cycle(slot, counter);
        };
    }

    /** The lower-case name the report and {@code --only} use. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
