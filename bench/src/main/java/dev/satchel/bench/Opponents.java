package dev.satchel.bench;

/** Resolves what Satchel is paired with: {@code FLOOR}, {@code FLOOR:<name>} or a peer's name. */
final class Opponents {
    private Opponents() {}

    static Contender open(String against, Fixture fixture) {
        if (against.equals("FLOOR")) {
            return new FloorContender(fixture.type().floorLabel(), fixture, fixture.floor());
        }
        if (against.startsWith("FLOOR:")) {
            String name = against.substring(6);
            Floor extra = fixture.extraFloors().get(name);
            if (extra == null) {
                throw new IllegalArgumentException("no extra floor named " + name);
            }
            return new FloorContender(name, fixture, extra);
        }
        return PeerType.valueOf(against).open(null);
    }
}
