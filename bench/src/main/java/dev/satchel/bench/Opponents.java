package dev.satchel.bench;

/** Resolves what Satchel is paired with: {@code FLOOR}, {@code FLOOR:<name>} or a peer's name. */
final class Opponents {
    private Opponents() {}

    static Contender open(String against, Fixture fixture) {
        EngineType type = fixture.type();
        if (against.equals("FLOOR")) {
            Floor floor = type.serverSide()
                    ? Floors.withDjangoCodec(
                            fixture.floor(),
                            new DjangoCodec(EngineType.SECRET, DjangoCodec.SERVER_SALT, null, fixture.clock()))
                    : fixture.floor();
            return new FloorContender(type.floorLabel(), fixture, floor);
        }
        if (against.equals("FLOOR:" + Floors.RAW) && type.serverSide()) {
            return new FloorContender(type.rawFloorLabel(), fixture, fixture.floor());
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
