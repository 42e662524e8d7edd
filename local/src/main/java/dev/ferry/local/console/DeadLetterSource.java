package dev.ferry.local.console;

import dev.ferry.shared.replay.Replayer;

import java.util.List;
import java.util.function.Supplier;

/** Where the console's dead letters are: the local DLQs, through a {@link Replayer} over the current specs. */
public interface DeadLetterSource {

    /** Every dead letter, left where it is. */
    List<Replayer.DeadLetter> deadLetters();

    /** {@link Replayer#replay}: a dry run previews, else the matching dead letters are re-driven. */
    Replayer.Report replay(Replayer.Filter filter);

    /** A fresh replayer for each call, so a replay always maps with the specs loaded now (after a reload too). */
    static DeadLetterSource of(Supplier<Replayer> replayers) {
        return new DeadLetterSource() {
            @Override
            public List<Replayer.DeadLetter> deadLetters() {
                return replayers.get().deadLetters();
            }

            @Override
            public Replayer.Report replay(Replayer.Filter filter) {
                return replayers.get().replay(filter);
            }
        };
    }
}
